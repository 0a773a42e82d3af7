"""The second factor: codes checked once each, recovery codes used up, the secret sealed in the
vault, enrolment forced on administrators and counsel and optional for recruiters."""

import re
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select, text

from compliance import second_factor, vault
from compliance.accounts import Role, User
from compliance.audit import AuditAction, AuditEvent
from compliance.second_factor import RecoveryCode
from tests.conftest import PASSWORD, enrol, log_in, totp_code


def fresh(db, user: User) -> User:
    return db.session.get(User, user.id, populate_existing=True)


def last_event(db) -> AuditEvent:
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()


def secret_of(db, user: User) -> str:
    return vault.decrypt(fresh(db, user).totp_secret)


def test_a_wrong_code_is_refused_and_audited_without_the_code(db, make_user):
    user = make_user(Role.ADMIN)
    right = pyotp.TOTP(secret_of(db, user)).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert not second_factor.verify(fresh(db, user), wrong)
    event = last_event(db)
    assert event.action == AuditAction.SECOND_FACTOR_FAILED
    assert wrong not in event.details_json + event.objects_json


def test_a_code_is_accepted_once_in_its_window(db, make_user):
    user = make_user(Role.ADMIN)
    code = totp_code(user)
    assert second_factor.verify(fresh(db, user), code)
    assert not second_factor.verify(fresh(db, user), code)  # replayed


def test_an_older_code_is_refused_after_a_newer_one(db, make_user):
    user = make_user(Role.LEGAL)
    totp_code(user)  # forget the enrolment's step
    totp = pyotp.TOTP(secret_of(db, user))
    now = totp.timecode(datetime.now(UTC))
    assert second_factor.verify(fresh(db, user), totp.generate_otp(now + 1))
    assert not second_factor.verify(fresh(db, user), totp.generate_otp(now))


def test_a_recovery_code_works_once(db, make_user):
    user = make_user()
    secret = second_factor.start_enrolment(user)
    codes = second_factor.confirm_enrolment(user, pyotp.TOTP(secret).now(), actor=user)
    db.session.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(code in h for code in codes for h in stored)
    assert second_factor.verify(fresh(db, user), codes[3].upper())  # as typed from paper
    assert not second_factor.verify(fresh(db, user), codes[3])
    assert second_factor.unused_recovery_codes(user) == 9
    assert last_event(db).action == AuditAction.SECOND_FACTOR_FAILED


def test_new_recovery_codes_replace_the_old_ones(db, make_user):
    user = make_user(Role.ADMIN)
    old = second_factor.renew_recovery_codes(user, actor=user)
    new = second_factor.renew_recovery_codes(user, actor=user)
    db.session.commit()
    assert not second_factor.verify(fresh(db, user), old[0])
    assert second_factor.verify(fresh(db, user), new[0])


def test_the_secret_is_sealed_in_the_vault_and_shredded_on_removal(db, make_user):
    user = make_user(Role.ADMIN)
    secret = secret_of(db, user)
    stored = db.session.execute(text("SELECT totp_secret FROM user_account WHERE id = :id"),
                                {"id": user.id}).scalar()
    assert secret not in stored and stored.startswith("fs1:")
    key_id = vault.key_id_of(stored)
    second_factor.remove(fresh(db, user), actor="system")
    db.session.commit()
    assert not vault.exists(key_id)
    assert fresh(db, user).totp_secret is None
    assert db.session.scalars(select(RecoveryCode)).all() == []


def test_login_asks_for_the_code_and_takes_a_recovery_code(app, client, db, make_user):
    user = make_user(Role.ADMIN)
    codes = second_factor.renew_recovery_codes(fresh(db, user), actor="system")
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"
    assert client.get("/admin/users").status_code == 302  # not logged in yet
    wrong = client.post("/login/code", data={"code": "000000"})
    assert wrong.status_code == 401
    assert 'aria-invalid="true"' in wrong.get_data(as_text=True)
    right = client.post("/login/code", data={"code": codes[0]})
    assert right.status_code == 302 and right.headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200
    again = app.test_client()
    again.post("/login", data={"email": user.email, "password": PASSWORD})
    assert again.post("/login/code", data={"code": codes[0]}).status_code == 401  # used up


def test_the_code_step_without_a_password_sends_to_log_in(client):
    response = client.post("/login/code", data={"code": "123456"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


@pytest.mark.parametrize("app_config", [{"LOGIN_ACCOUNT_RATE_LIMIT": "3 per minute"}])
def test_wrong_codes_are_rate_limited(client, make_user, app_config):
    user = make_user(Role.LEGAL)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    for _ in range(3):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 401
    blocked = client.post("/login/code", data={"code": totp_code(user)})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEGAL])
def test_admins_and_counsel_must_set_up_a_code_before_anything_else(client, db, make_user,
                                                                    role):
    user = make_user(role, second_factor=False)
    assert client.post("/login", data={"email": user.email,
                                       "password": PASSWORD}).status_code == 302
    for path in ["/admin/users", "/legal/rights", "/dashboard", "/preferences"]:
        assert client.get(path).headers["Location"] == "/preferences/second-factor"
    page = client.get("/preferences/second-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page)[1].replace(" ", "")
    assert "otpauth://totp/" in page and "<svg" in page
    assert client.post("/preferences/second-factor",
                       data={"code": "000000"}).status_code == 422
    done = client.post("/preferences/second-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z2-9-]{11})</code></li>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10
    assert client.get("/preferences").status_code == 200
    assert fresh(db, user).totp_enabled_at is not None
    assert last_event(db).action == AuditAction.SECOND_FACTOR_ENROLLED


def test_a_recruiter_may_switch_the_code_on_and_off(client, db, make_user, login):
    user = make_user()
    login(user)
    assert "Set up a second factor" in client.get("/preferences").get_data(as_text=True)
    enrol(fresh(db, user))
    assert client.post("/preferences/second-factor/off",
                       data={"off_code": "000000"}).status_code == 422
    off = client.post("/preferences/second-factor/off", data={"off_code": totp_code(user)})
    assert off.status_code == 302
    assert not second_factor.enrolled(fresh(db, user))
    client.post("/logout")
    assert client.post("/login", data={"email": user.email,
                                       "password": PASSWORD}).headers["Location"] == "/dashboard"


def test_counsel_cannot_switch_the_code_off(client, make_user, login):
    user = make_user(Role.LEGAL)
    login(user)
    response = client.post("/preferences/second-factor/off", data={"off_code": totp_code(user)})
    assert response.status_code == 403


def test_an_admin_resets_a_lost_second_factor(app, client, db, make_user, login):
    counsel = make_user(Role.LEGAL)
    counsel_client = app.test_client()
    assert log_in(counsel_client, counsel).status_code == 302
    login(make_user(Role.ADMIN))
    response = client.post(f"/admin/users/{counsel.id}/second-factor/reset")
    assert response.status_code == 302
    event = last_event(db)
    assert event.action == AuditAction.SESSIONS_ENDED
    assert not second_factor.enrolled(fresh(db, counsel))
    assert counsel_client.get("/legal/rights").status_code == 302
    assert counsel_client.get("/legal/rights").headers["Location"].startswith("/login")
    again = counsel_client.post("/login", data={"email": counsel.email, "password": PASSWORD})
    assert again.status_code == 302  # and then set up a new one
    assert counsel_client.get("/legal/rights").headers["Location"] == "/preferences/second-factor"


@pytest.mark.parametrize("app_config", [{"LOGIN_ACCOUNT_RATE_LIMIT": "2 per minute"}])
def test_guesses_at_the_code_that_switches_it_off_are_rate_limited(client, db, make_user, login,
                                                                   app_config):
    user = make_user(second_factor=True)
    login(user)
    for _ in range(2):
        response = client.post("/preferences/second-factor/off", data={"off_code": "000000"})
        assert response.status_code == 422
    blocked = client.post("/preferences/second-factor/off", data={"off_code": totp_code(user)})
    assert blocked.status_code == 429
    assert 'id="off_code-error"' in blocked.get_data(as_text=True)
    assert second_factor.enrolled(fresh(db, user))
