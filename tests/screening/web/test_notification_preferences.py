"""Each kind of recruiter e-mail is switched on or off in the preferences: on by default,
audited when changed, and only offered to the role it is for."""

import pytest
from sqlalchemy import select

from compliance import staff_mail
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from screening.notices import StaffMessageKind

K = StaffMessageKind


def boxes(page: str) -> dict[str, bool]:
    return {kind.value: f'value="{kind.value}"\n           checked' in page for kind in K
            if f'value="{kind.value}"' in page}


def test_every_kind_is_on_until_switched_off(client, db, make_user, login):
    user = make_user(Role.RECRUITER)
    login(user)
    assert boxes(client.get("/preferences").get_data(as_text=True)) == {k.value: True for k in K}
    response = client.post("/preferences/notifications",
                           data={"notifications": [K.RUN_ENDED.value]})
    assert response.status_code == 302
    page = client.get("/preferences").get_data(as_text=True)
    assert "Your e-mail choices are saved." in page
    assert boxes(page) == {K.CANDIDATE_ANSWERED.value: False, K.RUN_ENDED.value: True,
                           K.WINDOW_CLOSING.value: False}
    assert staff_mail.enabled_kinds(user) == [K.RUN_ENDED.value]
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.USER_UPDATED.value,
        AuditEvent.actor == f"user:{user.id}")).all()
    assert event.details["fields"] == ["notifications"]
    assert event.details["switched_off"] == sorted([K.CANDIDATE_ANSWERED.value,
                                                    K.WINDOW_CLOSING.value])
    # Switching all back on; saving unchanged choices records nothing more.
    client.post("/preferences/notifications", data={"notifications": [k.value for k in K]})
    client.post("/preferences/notifications", data={"notifications": [k.value for k in K]})
    assert staff_mail.enabled_kinds(user) == [k.value for k in K]
    assert len(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.USER_UPDATED.value)).all()) == 2


def test_an_unknown_kind_is_ignored(client, make_user, login):
    user = make_user(Role.RECRUITER)
    login(user)
    client.post("/preferences/notifications", data={"notifications": ["<script>", "x"]})
    assert staff_mail.enabled_kinds(user) == []


@pytest.mark.parametrize("role", [Role.LEGAL, Role.ADMIN])
def test_other_roles_are_not_offered_recruiters_mail(client, make_user, login, role):
    login(make_user(role))
    page = client.get("/preferences").get_data(as_text=True)
    assert "E-mail notifications" not in page and boxes(page) == {}
