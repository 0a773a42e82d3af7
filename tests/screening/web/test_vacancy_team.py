"""Who works on a vacancy: the owner or an admin sets owner and assignees; an assignee sees the
vacancy and its candidates, a removed one no longer does (default deny, both ways, audited)."""

import pytest
from sqlalchemy import select

from compliance.accounts import Role, update_user
from compliance.audit import AuditAction, AuditEvent
from screening.models import Vacancy


@pytest.fixture
def owner(make_user):
    return make_user(Role.RECRUITER, name="Olga Owner")


@pytest.fixture
def colleague(make_user):
    return make_user(Role.RECRUITER, name="Cas Colleague")


@pytest.fixture
def candidate(make_vacancy, make_candidate, owner):
    return make_candidate(make_vacancy(owner=owner, title="Data engineer"), name="Jamie Jansen")


@pytest.fixture
def as_user(client, login):
    def switch(user):
        client.post("/logout")
        return login(user)
    return switch


def sees(client, candidate) -> bool:
    vacancy = client.get(f"/vacancies/{candidate.vacancy_id}").status_code
    case = client.get(f"/candidates/{candidate.id}").status_code
    listed = "Data engineer" in client.get("/dashboard").get_data(as_text=True)
    assert {vacancy, case} in ({200}, {404}), (vacancy, case)
    assert (vacancy == 200) == listed
    return vacancy == 200


def team_events(db) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.VACANCY_UPDATED.value).order_by(AuditEvent.seq)))


def test_an_assignee_sees_the_vacancy_and_a_removed_one_no_longer_does(
        client, db, as_user, owner, colleague, candidate):
    as_user(colleague)
    assert not sees(client, candidate)
    as_user(owner)
    response = client.post(f"/vacancies/{candidate.vacancy_id}/team",
                           data={"owner_id": owner.id, "assignee_ids": [colleague.id]})
    assert response.status_code == 302
    [event] = team_events(db)
    assert event.actor == f"user:{owner.id}" and event.details["fields"] == ["assignees"]
    assert event.details["assignees"] == [colleague.id]
    as_user(colleague)
    assert sees(client, candidate)
    as_user(owner)
    client.post(f"/vacancies/{candidate.vacancy_id}/team", data={"owner_id": owner.id})
    as_user(colleague)
    assert not sees(client, candidate)
    assert [e.details["assignees"] for e in team_events(db)] == [[colleague.id], []]


def test_the_owner_hands_the_vacancy_over_and_loses_it(client, db, as_user, owner, colleague,
                                                         candidate):
    as_user(owner)
    response = client.post(f"/vacancies/{candidate.vacancy_id}/team",
                           data={"owner_id": colleague.id}, follow_redirects=True)
    assert "You no longer work on this vacancy." in response.get_data(as_text=True)
    assert not sees(client, candidate)
    as_user(colleague)
    assert sees(client, candidate)
    assert team_events(db)[-1].details["fields"] == ["owner"]


def test_an_assignee_cannot_change_the_team(client, db, as_user, owner, colleague, make_user,
                                            candidate):
    third = make_user(Role.RECRUITER)
    vacancy = db.session.get(Vacancy, candidate.vacancy_id)
    vacancy.assignees = [colleague]
    db.session.commit()
    as_user(colleague)
    assert client.get(f"/vacancies/{vacancy.id}/team").status_code == 403
    response = client.post(f"/vacancies/{vacancy.id}/team",
                           data={"owner_id": colleague.id, "assignee_ids": [third.id]})
    assert response.status_code == 403
    db.session.expire_all()
    assert vacancy.owner_id == owner.id and [u.id for u in vacancy.assignees] == [colleague.id]
    denied = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.ACCESS_DENIED.value)).all()
    assert denied and denied[-1].objects == {"vacancy": vacancy.id}
    # The vacancy form shows an assignee no team field, and saving it keeps the team.
    page = client.get(f"/vacancies/{vacancy.id}/edit").get_data(as_text=True)
    assert 'name="assignee_ids"' not in page
    assert "Change who works on it" not in client.get(f"/vacancies/{vacancy.id}").get_data(
        as_text=True)


def test_an_admin_changes_the_team_but_never_sees_the_candidates(
        client, db, as_user, make_user, owner, colleague, candidate):
    admin = make_user(Role.ADMIN)
    as_user(admin)
    listing = client.get("/vacancies/teams").get_data(as_text=True)
    assert "Data engineer" in listing and "Olga Owner" in listing
    assert "Jamie Jansen" not in listing
    page = client.get(f"/vacancies/{candidate.vacancy_id}/team").get_data(as_text=True)
    assert "Jamie Jansen" not in page
    response = client.post(f"/vacancies/{candidate.vacancy_id}/team",
                           data={"owner_id": colleague.id, "assignee_ids": [owner.id]})
    assert response.status_code == 302 and response.location.endswith("/vacancies/teams")
    assert team_events(db)[-1].actor == f"user:{admin.id}"
    assert team_events(db)[-1].details["fields"] == ["owner", "assignees"]
    assert client.get(f"/vacancies/{candidate.vacancy_id}").status_code == 403
    assert client.get(f"/candidates/{candidate.id}").status_code == 403
    as_user(owner)  # now an assignee
    assert sees(client, candidate)


@pytest.mark.parametrize("role", [Role.LEGAL, Role.RECRUITER])
def test_only_admins_list_every_team(client, as_user, make_user, candidate, role):
    as_user(make_user(role))
    assert client.get("/vacancies/teams").status_code == 403


def test_legal_cannot_change_a_team(client, as_user, make_user, candidate):
    as_user(make_user(Role.LEGAL))
    assert client.get(f"/vacancies/{candidate.vacancy_id}/team").status_code == 403


@pytest.mark.parametrize(("field", "form", "message"), [
    ("owner_id", {"owner_id": "abc"}, "Choose one of the options."),
    ("owner_id", {}, "This field is required."),
    ("owner_id", {"owner_id": "legal"}, "Choose an active recruiter."),
    ("assignee_ids", {"owner_id": "owner", "assignee_ids": ["inactive"]},
     "Choose active recruiters only."),
    ("assignee_ids", {"owner_id": "owner", "assignee_ids": ["x"]}, "Choose one of the options."),
])
def test_bad_team_values_get_a_message_next_to_the_field(client, db, as_user, make_user, owner,
                                                         candidate, field, form, message):
    inactive = make_user(Role.RECRUITER)
    update_user(inactive, actor="system", active=False)
    db.session.commit()
    ids = {"owner": owner.id, "legal": make_user(Role.LEGAL).id, "inactive": inactive.id}
    form = {k: [ids.get(i, i) for i in v] if isinstance(v, list) else ids.get(v, v)
            for k, v in form.items()}
    as_user(owner)
    before = len(team_events(db))
    response = client.post(f"/vacancies/{candidate.vacancy_id}/team", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error">{message}' in page
    assert len(team_events(db)) == before
    db.session.expire_all()
    assert db.session.get(Vacancy, candidate.vacancy_id).owner_id == owner.id


def test_an_assignee_saves_the_vacancy_form_and_the_team_stays(client, db, as_user, owner,
                                                               colleague, candidate):
    from tests.screening.web.test_access_matrix import VACANCY_FORM

    vacancy = db.session.get(Vacancy, candidate.vacancy_id)
    vacancy.assignees = [colleague]
    db.session.commit()
    as_user(colleague)
    response = client.post(f"/vacancies/{vacancy.id}/edit",
                           data={**VACANCY_FORM, "title": "Senior data engineer"})
    assert response.status_code == 302
    db.session.expire_all()
    assert vacancy.title == "Senior data engineer"
    assert vacancy.owner_id == owner.id and [u.id for u in vacancy.assignees] == [colleague.id]
