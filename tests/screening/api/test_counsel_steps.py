"""Counsel's steps through the API: extend and refuse a rights request, place and release a
legal hold. They call the operations the rights pages call, so they are audited and mailed
alike; a broken rule is a problem document and leaves nothing written."""

from datetime import timedelta
from email import policy as email_policy
from email.parser import BytesParser

import pytest

from compliance import retention, rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.rights import RequestStatus, Right
from compliance.subjects import LegalHold, Subject
from screening.case import request_right, withdraw
from screening.models import Candidate
from tests.conftest import mail_config
from tests.screening.web.test_access_matrix import _snapshot

EMAIL = "jamie@example.org"
PROBLEM = "application/problem+json"


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp, API_RATE_LIMIT="10000 per minute")


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL)


@pytest.fixture
def counsel(api, legal):
    return api(legal)


@pytest.fixture
def candidate(make_vacancy, make_candidate):
    return make_candidate(make_vacancy(title="Backend developer"), name="Jamie Jansen",
                          email=EMAIL)


@pytest.fixture
def request_id(db, candidate) -> int:
    item = request_right(candidate, Right.RECTIFICATION)
    db.session.commit()
    return item.id


def mails(inbox) -> list:
    return [BytesParser(policy=email_policy.SMTP).parsebytes(content)
            for _recipients, content in inbox.messages]


def last_event(db) -> AuditEvent:
    db.session.rollback()
    return db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    return body


def refused_unchanged(db, response, status: int, before) -> dict:
    body = problem(response, status)
    assert _snapshot(db) == before, "a refused step changed data"
    return body


def test_an_extension_is_mailed_audited_and_moves_the_due_date(db, counsel, legal, request_id,
                                                               inbox):
    response = counsel.post(f"/api/v1/rights-requests/{request_id}/extension",
                            json={"months": 2, "reasons": "Our archive is kept off site."})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    item = db.session.get(rights.RightsRequest, request_id)
    assert body["id"] == request_id and body["status"] == "open"
    assert item.extended_at is not None and item.due_at == item.first_due + 2 * rights.MONTH
    assert body["due_at"].startswith(item.due_at.date().isoformat())
    [mail] = mails(inbox)
    assert mail["To"] == EMAIL and "Our archive is kept off site." in mail.get_content()
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.RIGHTS_EXTENDED.value)).one()
    assert event.actor == f"user:{legal.id}"
    assert event.details == {"right": "rectification", "months": 2}  # never the reasons


@pytest.mark.parametrize(("body", "field"), [
    ({"months": 2}, "reasons"),
    ({"months": 2, "reasons": "   "}, "reasons"),
    ({"months": 2, "reasons": "x" * 2001}, "reasons"),
    ({"months": 3, "reasons": "Busy"}, "months"),
    ({"months": "2", "reasons": "Busy"}, "months"),
    ({"reasons": "Busy"}, "months"),
])
def test_an_extension_with_a_bad_body_is_refused_next_to_its_field(db, counsel, request_id,
                                                                   inbox, body, field):
    before = _snapshot(db)
    answer = refused_unchanged(
        db, counsel.post(f"/api/v1/rights-requests/{request_id}/extension", json=body), 422,
        before)
    assert list(answer["errors"]) == [field]
    assert inbox.messages == []


def test_an_extension_is_given_once_and_within_the_first_month(db, counsel, request_id,
                                                               inbox):
    path = f"/api/v1/rights-requests/{request_id}/extension"
    assert counsel.post(path, json={"months": 1, "reasons": "Busy"}).status_code == 200
    inbox.messages.clear()
    before = _snapshot(db)
    again = refused_unchanged(db, counsel.post(path, json={"months": 1, "reasons": "More"}),
                              409, before)
    assert again["type"].endswith(":extended-already") and "once already" in again["detail"]

    late = request_right(db.session.get(Candidate, db.session.scalar(
        db.select(Candidate.id))), Right.RECTIFICATION)
    late.received_at = utcnow() - timedelta(days=31)
    db.session.commit()
    before = _snapshot(db)
    answer = refused_unchanged(db, counsel.post(
        f"/api/v1/rights-requests/{late.id}/extension", json={"months": 1, "reasons": "Busy"}),
        409, before)
    assert answer["type"].endswith(":extension-late")
    assert inbox.messages == []


def test_a_refusal_sends_the_reasons_and_the_right_to_complain(db, counsel, legal, request_id,
                                                               inbox):
    response = counsel.post(f"/api/v1/rights-requests/{request_id}/refusal",
                            json={"reasons": "The date you name is the one on file."})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "refused"
    assert response.get_json()["resolved_at"] is not None
    [mail] = mails(inbox)
    text = mail.get_content()
    assert "The date you name is the one on file." in text
    assert "supervisory authority, Autoriteit Persoonsgegevens," in text
    db.session.rollback()
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.RIGHTS_RESOLVED.value)).one()
    assert event.actor == f"user:{legal.id}"
    assert event.details == {"right": "rectification", "resolution": "refused"}

    inbox.messages.clear()
    before = _snapshot(db)
    twice = refused_unchanged(db, counsel.post(f"/api/v1/rights-requests/{request_id}/refusal",
                                               json={"reasons": "Still no."}), 409, before)
    assert twice["type"].endswith(":closed")
    assert inbox.messages == []


def test_a_refusal_needs_its_reasons(db, counsel, request_id, inbox):
    for body in ({}, {"reasons": ""}, {"reasons": None}):
        before = _snapshot(db)
        answer = refused_unchanged(db, counsel.post(
            f"/api/v1/rights-requests/{request_id}/refusal", json=body), 422, before)
        assert list(answer["errors"]) == ["reasons"], body
    assert db.session.get(rights.RightsRequest, request_id).status == RequestStatus.OPEN
    assert inbox.messages == []


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/rights-requests/999999/extension", {"months": 1, "reasons": "Busy"}),
    ("/api/v1/rights-requests/999999/refusal", {"reasons": "No"}),
    ("/api/v1/candidates/999999/legal-hold", {"reason": "Claim"}),
    ("/api/v1/candidates/999999/legal-hold/release", {"reason": "Settled"})])
def test_an_unknown_id_is_a_404_problem(db, counsel, path, body):
    problem(counsel.post(path, json=body), 404)


def test_a_hold_is_placed_audited_without_its_reason_and_released(db, counsel, legal,
                                                                  candidate):
    path = f"/api/v1/candidates/{candidate.id}/legal-hold"
    placed = counsel.post(path, json={"reason": "Claim before the court"})
    assert placed.status_code == 201, placed.get_data(as_text=True)
    body = placed.get_json()
    assert body["candidate_id"] == candidate.id and body["released_at"] is None
    hold = db.session.get(LegalHold, body["id"])
    assert hold.reason == "Claim before the court" and hold.created_by == legal.id
    event = last_event(db)
    assert (event.action, event.actor) == (AuditAction.LEGAL_HOLD_PLACED, f"user:{legal.id}")
    assert event.objects == {"legal_hold": hold.id} and event.details == {}

    before = _snapshot(db)
    twice = refused_unchanged(db, counsel.post(path, json={"reason": "Again"}), 409, before)
    assert twice["type"].endswith(":held-already")

    released = counsel.post(f"{path}/release", json={"reason": "Claim settled"})
    assert released.status_code == 200, released.get_data(as_text=True)
    assert released.get_json()["id"] == hold.id and released.get_json()["released_at"]
    db.session.rollback()
    assert rights.held(db.session.get(Candidate, candidate.id).subject) is None
    event = last_event(db)
    assert (event.action, event.actor) == (AuditAction.LEGAL_HOLD_RELEASED, f"user:{legal.id}")

    before = _snapshot(db)
    gone = refused_unchanged(db, counsel.post(f"{path}/release", json={"reason": "Again"}),
                             409, before)
    assert gone["type"].endswith(":not-held")


@pytest.mark.parametrize("suffix", ["", "/release"])
@pytest.mark.parametrize("body", [{}, {"reason": " "}, {"reason": "x" * 2001}])
def test_a_hold_step_needs_its_reason(db, counsel, legal, candidate, suffix, body):
    if suffix:
        rights.place_hold(candidate.subject, actor=legal, reason="Claim")
        db.session.commit()
    before = _snapshot(db)
    answer = refused_unchanged(db, counsel.post(
        f"/api/v1/candidates/{candidate.id}/legal-hold{suffix}", json=body), 422, before)
    assert list(answer["errors"]) == ["reason"]


def test_a_hold_cannot_stop_an_erasure_that_has_begun(db, counsel, candidate):
    candidate.subject.erasing_since = utcnow()
    db.session.commit()
    before = _snapshot(db)
    answer = refused_unchanged(db, counsel.post(
        f"/api/v1/candidates/{candidate.id}/legal-hold", json={"reason": "Claim"}), 409, before)
    assert answer["type"].endswith(":erasing")


def test_releasing_a_hold_lets_the_sweep_erase_the_case_it_kept(db, counsel, legal, candidate):
    """A withdrawal under the hold waited for it: after the release the sweep erases it."""
    rights.place_hold(candidate.subject, actor=legal, reason="Claim")
    withdraw(candidate, method="portal")
    db.session.commit()
    cid, sid = candidate.id, candidate.subject_id
    released = counsel.post(f"/api/v1/candidates/{cid}/legal-hold/release",
                            json={"reason": "Claim settled"})
    assert released.status_code == 200, released.get_data(as_text=True)
    assert released.get_json()["candidate_id"] == cid
    assert retention.sweep().erased == 1
    db.session.rollback()
    assert db.session.get(Subject, sid) is None and db.session.get(Candidate, cid) is None
    erased = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.SUBJECT_ERASED.value)).one()
    assert erased.details == {"reason": "consent_withdrawn"}


OPERATIONS = [("/api/v1/rights-requests/{r}/extension", {"months": 1, "reasons": "Busy"}),
              ("/api/v1/rights-requests/{r}/refusal", {"reasons": "No"}),
              ("/api/v1/candidates/{c}/legal-hold", {"reason": "Claim"}),
              ("/api/v1/candidates/{c}/legal-hold/release", {"reason": "Settled"})]


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.ADMIN])
@pytest.mark.parametrize(("path", "body"), OPERATIONS)
def test_other_roles_are_refused_and_audited(db, api, make_user, legal, candidate, request_id,
                                             inbox, role, path, body):
    rights.place_hold(candidate.subject, actor=legal, reason="Claim")  # so a release could act
    db.session.commit()
    user = make_user(role)
    before = _snapshot(db)
    problem(api(user).post(path.format(r=request_id, c=candidate.id), json=body), 403)
    event = last_event(db)
    assert (event.action, event.actor) == (AuditAction.ACCESS_DENIED, f"user:{user.id}")
    assert _snapshot(db) == before and inbox.messages == []
    assert rights.held(db.session.get(Candidate, candidate.id).subject) is not None


def test_the_steps_are_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").get_json()
    paths = document["paths"]
    for path, _body in OPERATIONS:
        template = path.replace("{r}", "{request_id}").replace("{c}", "{candidate_id}")
        operation = paths[template]["post"]
        assert "requestBody" in operation, template
        assert {"401", "403", "404", "409", "422"} <= set(operation["responses"]), template
    extension = document["components"]["schemas"]["ExtensionIn"]
    assert extension["properties"]["months"]["enum"] == [1, 2]
    assert set(extension["required"]) == {"months", "reasons"}
    assert document["components"]["schemas"]["HoldReasonIn"]["properties"]["reason"][
        "maxLength"] == 2000
