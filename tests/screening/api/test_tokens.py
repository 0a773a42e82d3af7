"""Personal API tokens: created on the preferences page or the CLI, shown once, hashed, revoked."""

import hashlib
import re

import pytest

from compliance.accounts import Role, update_user
from compliance.api_tokens import ApiToken
from compliance.audit import AuditAction, AuditEvent

TOKEN = re.compile(r"fs_[\w-]{43}")


def actions(db) -> list[str]:
    db.session.rollback()
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq))]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_token_from_the_preferences_page_is_shown_once_and_stored_hashed(app, client, db,
                                                                          login, make_user):
    user = make_user(Role.RECRUITER)
    login(user)
    page = client.post("/preferences/tokens", data={"name": "Our ATS"})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    raw = TOKEN.search(page.get_data(as_text=True)).group(0)
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(db.session.execute(db.text("SELECT * FROM api_token")).all())
    assert raw not in client.get("/preferences").get_data(as_text=True)
    assert "Our ATS" in client.get("/preferences").get_data(as_text=True)
    api = app.test_client()
    assert api.get("/api/v1/vacancies", headers=bearer(raw)).status_code == 200
    assert AuditAction.API_TOKEN_CREATED in actions(db)


def test_revoked_token_is_refused_at_once(app, client, db, login, make_user):
    user = make_user(Role.RECRUITER)
    login(user)
    page = client.post("/preferences/tokens", data={"name": "ATS"}).get_data(as_text=True)
    raw = TOKEN.search(page).group(0)
    token_id = db.session.scalars(db.select(ApiToken.id)).one()
    response = client.post(f"/preferences/tokens/{token_id}/revoke")
    assert response.status_code == 302
    api = app.test_client()
    refused = api.get("/api/v1/vacancies", headers=bearer(raw))
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert AuditAction.API_TOKEN_REVOKED in actions(db)


def test_nobody_revokes_another_users_token(client, db, login, make_user, token_for):
    owner, other = make_user(Role.RECRUITER), make_user(Role.RECRUITER)
    token_for(owner)
    token_id = db.session.scalars(db.select(ApiToken.id)).one()
    login(other)
    assert client.post(f"/preferences/tokens/{token_id}/revoke").status_code == 404
    db.session.rollback()
    assert db.session.get(ApiToken, token_id).revoked_at is None


def test_a_token_needs_a_name(client, login, make_user):
    login(make_user(Role.RECRUITER))
    response = client.post("/preferences/tokens", data={"name": "  "})
    assert response.status_code == 422
    assert not TOKEN.search(response.get_data(as_text=True))


def test_cli_prints_the_token_once_lists_and_revokes_it(app, db, runner, make_user):
    user = make_user(Role.LEGAL)
    created = runner.invoke(args=["users", "token", user.email, "--name", "ATS"])
    assert created.exit_code == 0, created.output
    raw = created.stdout.strip()
    assert TOKEN.fullmatch(raw)
    api = app.test_client()
    assert api.get("/api/v1/rights-requests", headers=bearer(raw)).status_code == 200
    listed = runner.invoke(args=["users", "token", user.email, "--list"])
    assert "active" in listed.output and raw not in listed.output
    token_id = db.session.scalars(db.select(ApiToken.id)).one()
    revoked = runner.invoke(args=["users", "token", user.email, "--revoke", str(token_id)])
    assert revoked.exit_code == 0, revoked.output
    assert api.get("/api/v1/rights-requests", headers=bearer(raw)).status_code == 401
    assert "revoked" in runner.invoke(args=["users", "token", user.email, "--list"]).output


@pytest.mark.parametrize("args", [["nobody@example.test"], ["{email}", "--revoke", "999"]])
def test_cli_refuses_unknown_users_and_tokens(runner, make_user, args):
    user = make_user(Role.RECRUITER)
    result = runner.invoke(args=["users", "token", *[a.format(email=user.email) for a in args]])
    assert result.exit_code == 1


def test_a_token_carries_its_users_current_role_and_state(app, db, make_user, token_for):
    user = make_user(Role.RECRUITER)
    raw = token_for(user)
    api = app.test_client()
    assert api.get("/api/v1/rights-requests", headers=bearer(raw)).status_code == 403
    update_user(user, actor="system", role=Role.LEGAL)
    db.session.commit()
    assert api.get("/api/v1/rights-requests", headers=bearer(raw)).status_code == 200
    update_user(user, actor="system", active=False)
    db.session.commit()
    assert api.get("/api/v1/rights-requests", headers=bearer(raw)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer fs_forged", "Basic dXNlcjpwYXNz",
                                    "Bearer " + "x" * 500])
def test_malformed_or_forged_credentials_answer_401(client, header):
    response = client.get("/api/v1/vacancies", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["type"] == "about:blank"


def test_api_needs_no_csrf_token_but_the_pages_still_do(app, client, login, make_user,
                                                        token_for):
    user = make_user(Role.RECRUITER)
    raw = token_for(user)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/vacancies", json={}, headers=bearer(raw))
    assert response.status_code == 422  # validated, not refused for a missing CSRF token
    assert client.post("/preferences/tokens", data={"name": "x"}).status_code == 400
