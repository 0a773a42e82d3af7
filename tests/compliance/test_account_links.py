"""Invitations and password resets: single-use, expiring links kept as a hash, mailed over real
SMTP, and a reset request that tells nobody whether an address has an account."""

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from compliance.account_links import AccountLink, LinkPurpose, digest
from compliance.accounts import LastAdmin, Role, User, find_user, update_user
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from tests.conftest import PASSWORD, log_in, mail_config

NEW_PASSWORD = "a brand new passphrase here"
LINK = re.compile(r"http://[^\s]+/(invitation|password/reset)/([A-Za-z0-9_-]{43})")


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp, PUBLIC_URL="http://fairscreen.test")


def mailed(inbox) -> list[tuple[str, str, str]]:
    """Each message that arrived: (recipient, subject, body)."""
    out = []
    for recipients, content in inbox.messages:
        message = message_from_bytes(content, policy=policy.default)
        out.append((recipients[0], str(message["Subject"]),
                    message.get_body(preferencelist=("plain",)).get_content()))
    return out


def token_in(body: str) -> str:
    return LINK.search(body)[2]


def actions(db) -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def invite(client, email="new.person@example.test", role="legal"):
    return client.post("/admin/users/invite",
                       data={"email": email, "name": "New Person", "role": role})


def test_an_invitation_is_mailed_and_its_link_sets_the_password_once(
        client, db, make_user, login, inbox):
    login(make_user(Role.ADMIN))
    assert invite(client).status_code == 302
    [(to, subject, body)] = mailed(inbox)
    assert to == "new.person@example.test" and subject == "You are invited to Fairscreen"
    raw = token_in(body)
    link = db.session.scalar(select(AccountLink))
    assert link.token_hash == digest(raw) and raw not in str(vars(link))  # only the hash
    assert "New Person" in client.get("/admin/users").get_data(as_text=True)  # pending
    client.post("/logout")

    assert client.get(f"/invitation/{raw}").status_code == 200
    short = client.post(f"/invitation/{raw}", data={"new_password": "short"})
    assert short.status_code == 422 and 'aria-invalid="true"' in short.get_data(as_text=True)
    done = client.post(f"/invitation/{raw}", data={"new_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    again = client.get(f"/invitation/{raw}")
    assert again.status_code == 410
    page = again.get_data(as_text=True)
    assert "already" in page and "Ask your administrator for a new invitation." in page
    user = find_user("new.person@example.test")
    response = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302  # counsel: logged in, then sent to set up a code
    assert client.get("/legal/rights").headers["Location"] == "/preferences/second-factor"
    assert AuditAction.INVITATION_SENT in actions(db)
    assert AuditAction.INVITATION_ACCEPTED in actions(db)
    for event in db.session.scalars(select(AuditEvent)):
        assert "new.person" not in event.details_json + event.objects_json


def test_an_invited_user_cannot_log_in_before_choosing_a_password(client, make_user, login,
                                                                  inbox):
    login(make_user(Role.ADMIN))
    invite(client)
    client.post("/logout")
    for password in ["", "anything at all"]:  # an empty hash must never match anything
        response = client.post("/login", data={"email": "new.person@example.test",
                                               "password": password})
        assert response.status_code != 302
        assert client.get("/dashboard").status_code == 302  # still logged out


def test_an_expired_invitation_says_so(client, db, make_user, login, inbox):
    login(make_user(Role.ADMIN))
    invite(client)
    raw = token_in(mailed(inbox)[0][2])
    db.session.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post(f"/invitation/{raw}", data={"new_password": NEW_PASSWORD})
    assert response.status_code == 410 and "It has expired." in response.get_data(as_text=True)
    assert find_user("new.person@example.test").password_hash == ""


def test_resending_replaces_the_link_and_revoking_removes_the_account(
        client, db, make_user, login, inbox):
    login(make_user(Role.ADMIN))
    invite(client, role="recruiter")
    user = find_user("new.person@example.test")
    first = token_in(mailed(inbox)[0][2])
    assert client.post(f"/admin/users/{user.id}/invitation/resend").status_code == 302
    second = token_in(mailed(inbox)[1][2])
    assert first != second
    assert client.get(f"/invitation/{first}").status_code == 410  # replaced
    assert client.post(f"/admin/users/{user.id}/invitation/revoke").status_code == 302
    assert find_user("new.person@example.test") is None
    assert client.get(f"/invitation/{second}").status_code == 410
    assert AuditAction.INVITATION_REVOKED in actions(db)
    assert invite(client).status_code == 302  # the address can be invited again


def test_inviting_a_taken_address_is_a_field_error(client, make_user, login, inbox):
    admin = make_user(Role.ADMIN)
    login(admin)
    response = invite(client, email=admin.email.upper())
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert inbox.messages == []


def test_a_reset_answers_the_same_for_an_unknown_address_and_mails_nothing(
        client, db, make_user, inbox):
    user = make_user()
    known = client.post("/password/forgot", data={"email": user.email})
    unknown = client.post("/password/forgot", data={"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert [to for to, _s, _b in mailed(inbox)] == [user.email]
    inbox.messages.clear()
    client.post("/password/forgot", data={"email": "nobody@example.test"})
    assert len(inbox.messages) == 0


def test_a_reset_link_works_once_and_ends_every_session(app, client, db, make_user, inbox):
    user = make_user()
    other_device = app.test_client()
    assert log_in(other_device, user).status_code == 302
    client.post("/password/forgot", data={"email": user.email})
    raw = token_in(mailed(inbox)[0][2])
    assert client.post(f"/password/reset/{raw}",
                       data={"new_password": NEW_PASSWORD}).status_code == 302
    assert other_device.get("/dashboard").status_code == 302  # logged out
    assert client.get(f"/password/reset/{raw}").status_code == 410
    assert log_in(client, user, NEW_PASSWORD).status_code == 302
    assert log_in(app.test_client(), user, PASSWORD).status_code == 401
    assert AuditAction.PASSWORD_RESET in actions(db)


def test_a_reset_link_expires_after_an_hour(client, db, make_user, inbox):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    raw = token_in(mailed(inbox)[0][2])
    link = db.session.scalar(select(AccountLink))
    assert link.purpose == LinkPurpose.PASSWORD_RESET
    assert timedelta(minutes=59) < link.expires_at - link.created_at <= timedelta(hours=1)
    db.session.execute(update(AccountLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post(f"/password/reset/{raw}", data={"new_password": NEW_PASSWORD})
    assert response.status_code == 410
    assert "Ask for a new link" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash == user.password_hash


@pytest.mark.parametrize("token", ["x" * 43, "short", "A" * 200])
def test_a_forged_link_is_unknown(client, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 410
    assert "It is not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per minute"}])
def test_reset_requests_are_rate_limited_alike_for_any_address(client, make_user, app_config):
    for email in ["nobody@example.test"] * 3:
        assert client.post("/password/forgot", data={"email": email}).status_code == 200
    blocked = client.post("/password/forgot", data={"email": "nobody@example.test"})
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_an_invited_admin_does_not_count_as_the_last_admin(client, db, make_user, login, inbox):
    admin = make_user(Role.ADMIN)
    login(admin)
    invite(client, role="admin")
    with pytest.raises(LastAdmin):
        update_user(db.session.get(User, admin.id), actor="system", role=Role.RECRUITER)


def test_a_reset_mail_is_written_in_the_language_of_the_page(client, make_user, inbox):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email},
                headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    [(_to, subject, body)] = mailed(inbox)
    assert subject == "Kies een nieuw Fairscreen-wachtwoord"
    assert "De link werkt één keer en verloopt over 60 minuten." in body
