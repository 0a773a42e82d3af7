"""The administrator's pages: users and organisation settings."""

from pathlib import Path

import pytest

from compliance.accounts import Role, User
from compliance.organisation import get_settings
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def admin(make_user, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def test_invite_a_user_then_deactivate_and_re_role(client, db, admin):
    response = client.post("/admin/users/invite", data={
        "email": "New.Person@Example.test", "name": "New Person", "role": "recruiter"})
    assert response.status_code == 302
    user = db.session.scalars(db.select(User).where(User.email == "new.person@example.test")).one()
    response = client.post(f"/admin/users/{user.id}", data={"role": "legal"})
    assert response.status_code == 302
    db.session.rollback()
    user = db.session.get(User, user.id)
    assert user.role == Role.LEGAL and user.active is False


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "nope", "Enter a valid e-mail address."),
    ("name", "", "This field is required."),
    ("role", "superuser", "Choose one of the options."),
])
def test_bad_user_values(client, db, admin, field, value, message):
    form = {"email": "a@example.test", "name": "A", "role": "legal"}
    response = client.post("/admin/users/invite", data={**form, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_duplicate_email_is_refused(client, admin):
    form = {"email": admin.email, "name": "A", "role": "legal"}
    response = client.post("/admin/users/invite", data=form)
    assert response.status_code == 422
    assert "exists already" in response.get_data(as_text=True)


def test_staff_are_added_by_invitation_not_with_a_password_typed_by_an_admin(client, db,
                                                                            admin):
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'href="/admin/users/invite"' in page and "/admin/users/new" not in page
    form = {"email": "a@example.test", "name": "A", "role": "legal", "password": PASSWORD}
    assert client.get("/admin/users/new").status_code == 404
    assert client.post("/admin/users/new", data=form).status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    templates = list((ROOT / "templates").rglob("*.html"))
    assert any("admin.invite" in t.read_text(encoding="utf-8") for t in templates)
    for template in templates:  # no page links to the old route
        assert "admin.new_user" not in template.read_text(encoding="utf-8"), template


def test_admin_cannot_lock_themselves_out(client, db, admin):
    response = client.post(f"/admin/users/{admin.id}", data={"role": "legal", "active": "1"})
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_settings_are_validated_and_saved(client, db, admin):
    form = {"controller_name": "Acme B.V.", "controller_address": "Damrak 1, Amsterdam",
            "dpo_contact": "dpo@acme.test", "default_retention_days": "30",
            "default_lookback_years": "2", "default_languages": ["nl"]}
    bad = client.post("/admin/settings", data={**form, "default_retention_days": "900"})
    assert bad.status_code == 422
    assert "Enter a number from 1 to 365." in bad.get_data(as_text=True)
    assert client.post("/admin/settings", data=form).status_code == 302
    db.session.rollback()
    settings = get_settings()
    assert (settings.controller_name, settings.default_retention_days,
            settings.languages) == ("Acme B.V.", 30, ["nl"])


def test_an_admin_may_deactivate_another_admin_but_not_themselves(client, db, admin,
                                                                  make_user):
    other = make_user(Role.ADMIN)
    assert client.post(f"/admin/users/{other.id}", data={"role": "admin"}).status_code == 302
    response = client.post(f"/admin/users/{admin.id}", data={"role": "admin"})
    assert response.status_code == 422
    assert "own administrator access" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, other.id).active is False
    assert db.session.get(User, admin.id).active is True
