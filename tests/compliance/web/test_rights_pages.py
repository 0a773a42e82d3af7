"""Counsel's rights pages: each request with its case and never the candidate's name, and each
action a POST that is validated next to its field, checked against the status, audited
without its free text, and, for an extension or a refusal, mailed to the candidate."""

import re
from email import policy as email_policy
from email.parser import BytesParser

import pytest
from flask_babel import force_locale, format_date

from compliance import audit, rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.organisation import get_settings
from compliance.rights import RequestStatus
from screening.case import request_right
from tests.conftest import mail_config

NAME, EMAIL = "Jamie Jansen", "jamie@example.org"
REGULATORS = {"NL": "Autoriteit Persoonsgegevens",
              "BE": "Gegevensbeschermingsautoriteit / Autorit\u00e9 de protection des donn\u00e9es",
              "FR": "CNIL"}


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp)


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL)


@pytest.fixture
def counsel(login, legal):
    return login(legal)


@pytest.fixture
def candidate(make_vacancy, make_candidate):
    return make_candidate(make_vacancy(title="Backend developer"), name=NAME, email=EMAIL)


def requested(db, candidate, right=rights.Right.RECTIFICATION):
    request = request_right(candidate, right)
    db.session.commit()
    return request


def mails(inbox) -> list:
    return [BytesParser(policy=email_policy.SMTP).parsebytes(content)
            for _recipients, content in inbox.messages]


def field_error(page: str, field: str) -> str:
    """Return the message shown next to a field, checking the field points at it."""
    assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error"', page) or \
        re.search(rf'<(?:input|textarea|fieldset)[^>]*id="{field}"[^>]*aria-invalid="true"',
                  page), page
    return re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', page).group(1)


def test_each_request_shows_its_case_and_never_the_candidate(db, counsel, legal, candidate):
    rights.place_hold(candidate.subject, actor=legal, reason="Dispute before the court")
    held = requested(db, candidate, rights.Right.ERASURE)
    assert held.status == RequestStatus.ON_HOLD
    page = counsel.get("/legal/rights").get_data(as_text=True)
    pseudonym = audit.pseudonym(candidate.subject)[:12]
    with force_locale("en"):
        due = format_date(held.due_at, "long")
    assert pseudonym in page and "Backend developer" in page and due in page
    assert "On legal hold" in page and "Hold: Dispute before the court" in page
    assert "Erasure" in page and "on_hold" not in page
    assert NAME not in page and EMAIL not in page

    counsel.post("/preferences", data={"language": "nl"})
    page = counsel.get(f"/legal/rights/{held.id}").get_data(as_text=True)
    with force_locale("nl"):
        due = format_date(held.due_at, "long")
    assert "Juridisch geblokkeerd" in page and "Wissing" in page and due in page
    assert NAME not in page and EMAIL not in page


def test_an_extension_needs_months_and_reasons_next_to_their_fields(db, counsel, candidate,
                                                                    inbox):
    request = requested(db, candidate)
    response = counsel.post(f"/legal/rights/{request.id}/extend", data={"extension_reasons": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "extension_reasons") == (
        "Give the reasons: the candidate receives them.")
    assert field_error(page, "months") == "Choose one or two months."
    db.session.rollback()
    assert db.session.get(rights.RightsRequest, request.id).extended_at is None
    assert inbox.messages == []


def test_an_extension_is_mailed_with_its_reasons_and_audited_without_them(db, counsel, legal,
                                                                          candidate, inbox):
    request = requested(db, candidate)
    response = counsel.post(f"/legal/rights/{request.id}/extend", data={
        "months": "2", "extension_reasons": "Our archive is kept off site."})
    assert response.status_code == 302
    [mail] = mails(inbox)
    assert mail["To"] == EMAIL and "Our archive is kept off site." in mail.get_content()
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.RIGHTS_EXTENDED.value)).one()
    assert event.actor == f"user:{legal.id}"
    assert event.details == {"right": "rectification", "months": 2}

    again = counsel.post(f"/legal/rights/{request.id}/extend", data={
        "months": "1", "extension_reasons": "More."})
    assert again.status_code == 409 and "extended once already" in again.get_data(as_text=True)


@pytest.mark.parametrize("jurisdiction", list(REGULATORS))
def test_a_refusal_gives_the_candidate_the_reasons_and_the_regulator(db, counsel, candidate,
                                                                     inbox, jurisdiction):
    get_settings().jurisdiction = jurisdiction
    db.session.commit()
    request = requested(db, candidate)
    missing = counsel.post(f"/legal/rights/{request.id}/refuse", data={"refusal_reasons": " "})
    assert missing.status_code == 422
    assert "Give the reasons" in field_error(missing.get_data(as_text=True), "refusal_reasons")

    response = counsel.post(f"/legal/rights/{request.id}/refuse", data={
        "refusal_reasons": "The date you name is the one <b>on file</b>."})
    assert response.status_code == 302
    [mail] = mails(inbox)
    body = mail.get_content()
    assert "The date you name is the one <b>on file</b>." in body
    assert f"supervisory authority, {REGULATORS[jurisdiction]}," in body
    db.session.rollback()
    assert db.session.get(rights.RightsRequest, request.id).status == RequestStatus.REFUSED
    page = counsel.get(f"/legal/rights/{request.id}").get_data(as_text=True)
    assert "&lt;b&gt;on file&lt;/b&gt;" in page and "<b>on file" not in page  # escaped


def test_a_resolved_request_cannot_be_refused_from_the_page(db, counsel, candidate, inbox):
    request = requested(db, candidate)
    assert counsel.post(f"/legal/rights/{request.id}/resolve", data={}).status_code == 302
    response = counsel.post(f"/legal/rights/{request.id}/refuse",
                            data={"refusal_reasons": "No."})
    assert response.status_code == 409
    assert "already answered" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(rights.RightsRequest, request.id).status == RequestStatus.DONE
    assert inbox.messages == []


def test_a_hold_is_placed_and_released_with_reasons_from_the_request(db, counsel, candidate):
    request = requested(db, candidate)
    empty = counsel.post(f"/legal/rights/{request.id}/hold", data={"hold_reason": ""})
    assert empty.status_code == 422 and "Give the reasons" in field_error(
        empty.get_data(as_text=True), "hold_reason")
    assert counsel.post(f"/legal/rights/{request.id}/hold",
                        data={"hold_reason": "Claim pending"}).status_code == 302
    page = counsel.get(f"/legal/rights/{request.id}").get_data(as_text=True)
    assert "Claim pending" in page and "Release the legal hold" in page
    twice = counsel.post(f"/legal/rights/{request.id}/hold", data={"hold_reason": "Again"})
    assert twice.status_code == 409

    assert counsel.post(f"/legal/rights/{request.id}/release",
                        data={"release_reason": "Claim settled"}).status_code == 302
    db.session.rollback()
    assert rights.held(candidate.subject) is None
    actions = db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.action.like("legal_hold.%")).order_by(AuditEvent.seq)).all()
    assert actions == ["legal_hold.placed", "legal_hold.released"]


def test_the_candidate_page_releases_a_hold(app, db, counsel, candidate, legal):
    rights.place_hold(candidate.subject, actor=legal, reason="Claim pending")
    db.session.commit()
    page = counsel.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "Release the legal hold" in page
    response = counsel.post("/legal/rights/holds/release", data={
        "subject_id": candidate.subject_id, "reason": "Claim settled",
        "back": f"/candidates/{candidate.id}"})
    assert response.headers["Location"] == f"/candidates/{candidate.id}"
    db.session.rollback()
    assert rights.held(candidate.subject) is None


def test_other_roles_cannot_act_on_requests(db, make_user, login, candidate):
    request = requested(db, candidate)
    client = login(make_user(Role.RECRUITER))
    for action in ("extend", "resolve", "refuse", "hold", "release"):
        assert client.post(f"/legal/rights/{request.id}/{action}").status_code == 403
    assert client.get(f"/legal/rights/{request.id}").status_code == 403
