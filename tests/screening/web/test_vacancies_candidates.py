"""Vacancies and candidates through the pages: validation next to fields, nothing half-stored."""

import pytest

from compliance.accounts import Role
from compliance.audit import AuditEvent
from screening.models import Candidate, CaseState, Vacancy
from tests.screening.web.test_access_matrix import CANDIDATE_FORM, VACANCY_FORM


def count(db, model):
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_new_vacancy_form_shows_organisation_defaults(client, recruiter):
    page = client.get("/vacancies/new").get_data(as_text=True)
    assert 'name="lookback_years" type="number"\n         value="3"' in page
    assert 'value="28"' in page


def test_create_vacancy_with_assessment_and_assignee(client, db, recruiter, make_user):
    colleague = make_user(Role.RECRUITER)
    form = {**VACANCY_FORM, "criteria": "Python\n\n  Django  \nCI/CD",
            "allowed_sources": ["rss", "github"], "assignee_ids": [str(colleague.id)]}
    response = client.post("/vacancies/new", data=form)
    assert response.status_code == 302
    vacancy = db.session.scalars(db.select(Vacancy)).one()
    assert vacancy.criteria == ["Python", "Django", "CI/CD"]
    assert vacancy.allowed_sources == ["rss", "github"]
    assert [u.id for u in vacancy.assignees] == [colleague.id]
    assert vacancy.assessment.version == 1 and vacancy.owner_id == recruiter.id


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "   ", "This field is required."),
    ("title", "x" * 201, "Enter at most 200 characters."),
    ("language", "de", "Choose one of the options."),
    ("criteria", "", "Add at least one job-relevant criterion."),
    ("criteria", "Python\npython", "Each criterion may appear only once."),
    ("allowed_sources", [], "Allow at least one source."),
    ("allowed_sources", ["facebook"], "Choose one of the options."),
    ("lookback_years", "eleven", "Enter a whole number."),
    ("lookback_years", "11", "Enter a number from 1 to 10."),
    ("retention_days", "0", "Enter a number from 1 to 365."),
    ("purpose", "", "This field is required."),
    ("assignee_ids", ["999"], "Choose active recruiters only."),
])
def test_bad_vacancy_values_get_a_message_next_to_the_field(client, db, recruiter, field, value,
                                                            message):
    before = count(db, AuditEvent)
    response = client.post("/vacancies/new", data={**VACANCY_FORM, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in page
    assert f'href="#{field}"' in page  # the summary links to the field
    assert count(db, Vacancy) == 0
    assert count(db, AuditEvent) == before
    if field != "title":
        assert VACANCY_FORM["title"] in page  # what was typed is kept


def test_changing_the_assessment_keeps_the_old_version(client, db, recruiter, make_vacancy):
    vacancy = make_vacancy(owner=recruiter)
    response = client.post(f"/vacancies/{vacancy.id}/edit",
                           data={**VACANCY_FORM, "balancing": "A new balancing text."})
    assert response.status_code == 302
    db.session.rollback()
    vacancy = db.session.get(Vacancy, vacancy.id)
    assert [a.version for a in vacancy.assessments] == [1, 2]
    assert vacancy.assessments[0].balancing != "A new balancing text."
    assert vacancy.assessment.balancing == "A new balancing text."


def test_add_candidate_creates_a_subject_and_case(client, db, recruiter, make_vacancy):
    vacancy = make_vacancy(owner=recruiter)
    response = client.post(f"/vacancies/{vacancy.id}/candidates/new", data=CANDIDATE_FORM)
    assert response.status_code == 302
    candidate = db.session.scalars(db.select(Candidate)).one()
    assert candidate.state == CaseState.ADDED and candidate.subject_id
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert event.action == "candidate.created" and event.subject
    assert CANDIDATE_FORM["name"] not in str(event.details) + str(event.objects)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "This field is required."),
    ("email", "not-an-address", "Enter a valid e-mail address."),
    ("language", "fr", "Choose one of the options."),
])
def test_bad_candidate_values(client, db, recruiter, make_vacancy, field, value, message):
    vacancy = make_vacancy(owner=recruiter)
    response = client.post(f"/vacancies/{vacancy.id}/candidates/new",
                           data={**CANDIDATE_FORM, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, Candidate) == 0


def test_closed_vacancy_takes_no_candidates(client, db, recruiter, make_vacancy):
    vacancy = make_vacancy(owner=recruiter, status="closed")
    response = client.post(f"/vacancies/{vacancy.id}/candidates/new", data=CANDIDATE_FORM)
    assert response.status_code == 422
    assert "This vacancy is closed" in response.get_data(as_text=True)
    assert count(db, Candidate) == 0


def test_decision_is_recorded_once(client, db, recruiter, make_vacancy, make_candidate):
    candidate = make_candidate(make_vacancy(owner=recruiter))
    assert client.post(f"/candidates/{candidate.id}/decision",
                       data={"decision": "withdrawn"}).status_code == 302
    again = client.post(f"/candidates/{candidate.id}/decision", data={"decision": "hired"})
    assert again.status_code == 422
    db.session.rollback()
    stored = db.session.get(Candidate, candidate.id)
    assert stored.decision.value == "withdrawn" and stored.state == CaseState.DECIDED
    bad = client.post(f"/candidates/{candidate.id}/decision", data={"decision": "maybe"})
    assert bad.status_code == 422
