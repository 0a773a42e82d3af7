"""Attacks on staff sessions: a stolen cookie, a session that never ends, a password spray."""

import uuid

import pytest
import redis

from compliance.accounts import Role, User
from compliance.audit import AuditAction, AuditEvent
from compliance.web import limiter
from compliance.web.sessions import SEEN_EVERY_SECONDS, _now
from screening.app import create_app
from tests.compliance.test_queue import REDIS_URL, redis_reason
from tests.conftest import PASSWORD, base_config, log_in

COOKIE = "fairscreen_session"
NEW_PASSWORD = "a much longer and newer passphrase"


def stolen_copy(app, victim_client):
    """Copy the victim's session cookie into another browser, as an attacker would."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, victim_client.get_cookie(COOKIE).value)
    assert thief.get("/dashboard").status_code == 200  # the copy works before the victim acts
    return thief


def logged_in(app, user):
    browser = app.test_client()
    response = log_in(browser, user)
    assert response.status_code == 302
    return browser


def refused(browser, path: str = "/dashboard") -> bool:
    response = browser.get(path)
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_cookie_copied_before_logout_is_worthless_after_it(app, make_user):
    victim = logged_in(app, make_user())
    thief = stolen_copy(app, victim)
    assert victim.post("/logout").status_code == 302
    assert refused(thief)
    assert refused(thief, "/preferences")


def test_a_password_change_ends_every_other_session_but_keeps_this_one(app, db, make_user):
    user = make_user()
    victim = logged_in(app, user)
    thief = stolen_copy(app, victim)
    other_device = logged_in(app, user)
    response = victim.post("/preferences/password", data={"current_password": PASSWORD,
                                                          "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert refused(thief) and refused(other_device)
    assert victim.get("/dashboard").status_code == 200
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": NEW_PASSWORD}
                      ).status_code == 302
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.USER_UPDATED).order_by(AuditEvent.seq.desc())).first()
    assert '"fields":["password"]' in event.details_json
    assert NEW_PASSWORD not in event.details_json and PASSWORD not in event.details_json


def test_a_wrong_current_password_changes_nothing(app, make_user):
    user = make_user()
    victim = logged_in(app, user)
    thief = stolen_copy(app, victim)
    response = thief.post("/preferences/password", data={"current_password": "guessed wrong!",
                                                         "new_password": NEW_PASSWORD})
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)
    assert victim.get("/dashboard").status_code == 200
    assert logged_in(app, user)  # the old password still works


def test_deactivation_ends_sessions_for_good_even_after_reactivation(app, db, make_user):
    admin = logged_in(app, make_user(Role.ADMIN))
    user = make_user()
    thief = stolen_copy(app, logged_in(app, user))
    assert admin.post(f"/admin/users/{user.id}", data={"role": "recruiter"}).status_code == 302
    assert refused(thief)
    assert admin.post(f"/admin/users/{user.id}",
                      data={"role": "recruiter", "active": "y"}).status_code == 302
    assert db.session.get(User, user.id).active
    assert refused(thief)  # the cookie from before stays dead


def test_log_out_everywhere_from_ones_own_preferences(app, db, make_user):
    user = make_user()
    victim = logged_in(app, user)
    thief = stolen_copy(app, victim)
    other_device = logged_in(app, user)
    assert "Log out everywhere" in victim.get("/preferences").get_data(as_text=True)
    response = victim.post("/preferences/sessions/end")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert refused(thief) and refused(other_device) and refused(victim)
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == AuditAction.SESSIONS_ENDED
    assert event.actor == f"user:{user.id}" and f'"user":{user.id}' in event.objects_json


def test_an_admin_logs_a_user_out_everywhere(app, db, make_user):
    admin_user = make_user(Role.ADMIN)
    admin = logged_in(app, admin_user)
    user = make_user()
    thief = stolen_copy(app, logged_in(app, user))
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Log this user out everywhere" in page
    assert admin.post(f"/admin/users/{user.id}/sessions/end").status_code == 302
    assert refused(thief)
    assert admin.get("/admin/users").status_code == 200  # the admin's own session goes on
    assert logged_in(app, user)  # the user can simply log in again
    recruiter = logged_in(app, make_user())
    assert recruiter.post(f"/admin/users/{user.id}/sessions/end").status_code == 403


@pytest.mark.parametrize("age, ends", [(12 * 3600 + 1, True), (12 * 3600 - 60, False)])
def test_a_busy_session_ends_twelve_hours_after_login(client, make_user, login, age, ends):
    login(make_user())
    with client.session_transaction() as session:
        session["login_at"] = _now() - age
        session["last_seen"] = _now() - 5  # busy: never idle
    assert refused(client) is ends


@pytest.mark.parametrize("app_config", [{"SESSION_MAX_HOURS": 1}])
def test_the_absolute_lifetime_is_configurable(client, make_user, login):
    login(make_user())
    assert client.get("/dashboard").status_code == 200
    with client.session_transaction() as session:
        session["login_at"] -= 3601
    assert refused(client)


def test_a_session_without_a_login_time_is_not_trusted(client, make_user, login):
    login(make_user())
    with client.session_transaction() as session:
        del session["login_at"]
    assert refused(client)


def test_a_cookie_without_a_session_version_is_not_trusted(client, make_user, login):
    user = make_user()
    login(user)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # how cookies looked before session versions
    assert refused(client)


def spray(app, email: str, password: str = "wrong password", *, attempts: int = 110,
          first_address: int = 0, workers: tuple = ()) -> list[int]:
    """Try passwords on one account from a different address each time (and worker, if many)."""
    codes = []
    for n in range(first_address, first_address + attempts):
        worker = workers[n % len(workers)] if workers else app
        address = f"10.0.{n // 250}.{n % 250}"
        response = worker.test_client().post("/login", data={"email": email, "password": password},
                                             environ_base={"REMOTE_ADDR": address})
        codes.append(response.status_code)
    return codes


def test_a_password_spray_from_110_addresses_is_held_back_per_account(app, db, make_user):
    user = make_user()
    codes = spray(app, user.email)
    assert codes == [401] * 10 + [429] * 100
    failures = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.LOGIN_FAILED))
    assert failures == 10  # throttled attempts never reach the password check
    # Even the right password waits, from a new address and in another spelling.
    right = spray(app, f"  {user.email.upper()} ", PASSWORD, attempts=1, first_address=200)
    assert right == [429]
    page = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                  environ_base={"REMOTE_ADDR": "10.9.9.9"})
    text = page.get_data(as_text=True)
    assert "Too many attempts. Try again in" in text and 'name="email"' in text
    assert logged_in(app, make_user())  # other accounts are not affected


def test_the_throttle_says_the_same_for_an_account_that_does_not_exist(app, make_user):
    user = make_user()
    known = spray(app, user.email, attempts=12)
    unknown = spray(app, "nobody-here@example.test", attempts=12, first_address=100)
    assert known == unknown == [401] * 10 + [429] * 2


def test_successful_logins_do_not_use_up_the_account_limit(app, make_user):
    user = make_user()
    for _ in range(12):
        logged_in(app, user)


def test_the_rate_limit_store_never_holds_the_clear_address(app, make_user):
    user = make_user()
    spray(app, user.email, attempts=3)
    keys = [str(key) for key in limiter.storage.storage]
    assert keys and all(user.email not in key and user.email.split("@")[0] not in key
                        for key in keys)


@pytest.mark.parametrize("app_config", [{"LOGIN_ACCOUNT_RATE_LIMIT": "3 per hour"}])
def test_guessing_the_current_password_counts_against_the_account(app, make_user):
    user = make_user()
    victim = logged_in(app, user)
    thief = stolen_copy(app, victim)
    data = {"current_password": "guessed wrong!", "new_password": NEW_PASSWORD}
    codes = [thief.post("/preferences/password", data=data).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    assert app.test_client().post("/login", data={"email": user.email, "password": PASSWORD},
                                  environ_base={"REMOTE_ADDR": "10.7.7.7"}).status_code == 429


# Each pytest-xdist worker has a Redis database of its own (tests/compliance/test_queue.py):
# this test deletes the limiter keys that appeared while it ran, and must not see another's.
def test_the_spray_is_held_back_across_workers_sharing_redis(app, db, database_url, make_user):
    """In production the limit lives in Redis, shared by every web worker."""
    reason = redis_reason()
    if reason:
        pytest.skip(reason)
    # One store for all workers; keys are compared before and after, as the limiter's key
    # prefix is fixed by the first app of the process.
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL}
    workers = [create_app(base_config(database_url, **shared)) for _ in range(2)]
    store = redis.Redis.from_url(REDIS_URL)
    before = set(store.scan_iter("*LIMITER*"))
    try:
        # An address of its own: the account limit is keyed by the address's hash, and other
        # test runs on this machine may share the store.
        user = make_user(email=f"spray-{uuid.uuid4().hex}@example.test")
        assert spray(app, user.email, attempts=30, workers=workers) == [401] * 10 + [429] * 20
        keys = [key.decode() for key in set(store.scan_iter("*LIMITER*")) - before]
        assert keys and not any(user.email in key for key in keys)
    finally:
        for key in set(store.scan_iter("*LIMITER*")) - before:
            store.delete(key)
        for worker in workers:
            with worker.app_context():
                db.engine.dispose()


def test_a_busy_session_resends_its_cookie_once_a_minute_not_on_every_request(
        client, make_user, login):
    """The idle clock moves in steps of SEEN_EVERY_SECONDS: each step re-signs and resends the
    cookie (renewing its expiry); the requests between them send no cookie at all."""
    login(make_user())
    client.get("/dashboard")  # the first page after login keeps a new form token in the session
    assert "Set-Cookie" not in client.get("/dashboard").headers
    with client.session_transaction() as session:
        session["last_seen"] = _now() - SEEN_EVERY_SECONDS
    renewed = client.get("/dashboard")
    assert COOKIE in renewed.headers["Set-Cookie"] and "Expires=" in renewed.headers["Set-Cookie"]
    with client.session_transaction() as session:
        assert _now() - session["last_seen"] <= 1 and session.permanent
    assert "Set-Cookie" not in client.get("/dashboard").headers
