"""Logging in: hashes, audit, rate limits, idle timeout, CSRF, cookies and headers."""

import pytest

from compliance.accounts import Role, User
from compliance.audit import AuditAction, AuditEvent
from tests.conftest import PASSWORD


def actions(db):
    db.session.rollback()
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq))]


def test_password_is_stored_as_argon2id(db, make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_login_success_and_failure_are_audited(client, db, make_user):
    user = make_user()
    bad = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert bad.status_code == 401
    assert "The e-mail address or password is not right." in bad.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.test", "password": "x" * 12})
    assert unknown.status_code == 401
    ok = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert ok.status_code == 302
    assert actions(db)[-3:] == [AuditAction.LOGIN_FAILED, AuditAction.LOGIN_FAILED,
                                AuditAction.LOGIN_SUCCEEDED]
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert all(user.email not in str(e.details) + str(e.objects) for e in events)


def test_deactivated_user_cannot_log_in_and_is_logged_out(app, client, db, make_user, login):
    user = make_user()
    login(user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert client.get("/dashboard").status_code == 302
    again = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert again.status_code == 401


def test_logout_needs_post_and_ends_the_session(client, make_user, login):
    login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_idle_session_is_logged_out(app, client, make_user, login):
    login(make_user())
    assert client.get("/dashboard").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] -= 60 * app.config["IDLE_TIMEOUT_MINUTES"] + 1
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per minute"}])
def test_login_attempts_are_rate_limited_with_a_clear_message(client, make_user):
    user = make_user()
    for _ in range(3):
        client.post("/login", data={"email": user.email, "password": "wrong password"})
    blocked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    page = blocked.get_data(as_text=True)
    assert "Too many attempts. Try again in 1 minute." in page, page[page.find("Too many"):][:200]
    assert 'name="password"' in page  # said on the login form itself
    assert client.get("/login").status_code == 200  # only attempts are limited


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_without_a_csrf_token_are_refused(client, db, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_session_cookie_is_secure_httponly_samesite(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("path", ["/login", "/static/style.css", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_pages_carry_no_inline_script(client, make_user, login, make_vacancy):
    user = make_user(Role.RECRUITER)
    vacancy = make_vacancy(owner=user)
    login(user)
    for path in ["/dashboard", f"/vacancies/{vacancy.id}", "/vacancies/new"]:
        assert "<script" not in client.get(path).get_data(as_text=True)
