"""A rejection records its reasons: required by the operation, the page, the API and the CLI,
kept encrypted with the candidate's data, and shown in the candidate's portal afterwards."""
# ruff: noqa: F811 (the API fixtures are imported, then named as test arguments)

from datetime import timedelta

import pytest
from sqlalchemy import text

from compliance import tokens
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.policy import DECISION_REASONS_MAX_CHARS
from compliance.tokens import Purpose
from screening.candidates import ReasonsRequired, decide
from screening.lifecycle import CaseError, CaseState
from screening.models import Candidate, Decision
from screening.reports import access_report
from tests.screening.api.conftest import api, token_for  # noqa: F401 (fixtures)

REASONS = "Another candidate had more experience running PostgreSQL in production."


def fresh(db, candidate_id: int) -> Candidate:
    db.session.rollback()
    return db.session.get(Candidate, candidate_id)


@pytest.mark.parametrize("reasons", [None, "", "   \n ", "x" * (DECISION_REASONS_MAX_CHARS + 1)])
def test_a_rejection_without_reasons_is_refused(db, make_candidate, reasons):
    candidate = make_candidate()
    with pytest.raises(ReasonsRequired) as refused:
        decide(candidate, Decision.REJECTED, actor=candidate.vacancy.owner, reasons=reasons)
    assert isinstance(refused.value, CaseError) and refused.value.code == "reasons"
    assert fresh(db, candidate.id).state == CaseState.ADDED


def test_a_rejection_keeps_its_reasons_encrypted_and_audits_only_that_there_are_some(
        db, make_candidate):
    candidate = make_candidate()
    decide(candidate, Decision.REJECTED, actor=candidate.vacancy.owner, reasons=f"  {REASONS} ")
    db.session.commit()
    stored = fresh(db, candidate.id)
    assert stored.state == CaseState.DECIDED and stored.decision_reasons == REASONS
    raw = db.session.execute(text("SELECT decision_reasons FROM candidate WHERE id = :i"),
                             {"i": candidate.id}).scalar()
    assert raw and "PostgreSQL" not in str(raw)
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.CANDIDATE_DECIDED)).one()
    assert event.details == {"decision": "rejected", "reasons_given": True}
    assert "PostgreSQL" not in str(event.details)


def test_a_hire_needs_no_reasons(db, make_candidate):
    candidate = make_candidate()
    decide(candidate, Decision.HIRED, actor=candidate.vacancy.owner)
    db.session.commit()
    assert fresh(db, candidate.id).decision_reasons is None


def test_the_page_asks_for_reasons_and_the_portal_shows_them(client, db, login, make_candidate):
    candidate = make_candidate()
    portal = tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(days=30))
    db.session.commit()
    login(candidate.vacancy.owner)
    form = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert 'name="reasons"' in form
    empty = client.post(f"/candidates/{candidate.id}/decision", data={"decision": "rejected"})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Give the reasons for the rejection" in page
    assert fresh(db, candidate.id).state == CaseState.ADDED
    done = client.post(f"/candidates/{candidate.id}/decision",
                       data={"decision": "rejected", "reasons": REASONS})
    assert done.status_code == 302
    assert REASONS in client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    shown = client.get(f"/portal/{portal}").get_data(as_text=True)
    assert "The decision" in shown and REASONS in shown
    copy = client.get(f"/portal/{portal}/data.json").get_json()
    assert copy["candidate"]["decision_reasons"] == REASONS
    report = client.get(f"/portal/{portal}/access").get_data(as_text=True)
    assert "Reasons for the decision" in report and REASONS in report


def test_a_dutch_candidate_reads_the_reasons_under_a_dutch_heading(client, db, make_candidate):
    candidate = make_candidate(language="nl")
    decide(candidate, Decision.REJECTED, actor=candidate.vacancy.owner, reasons=REASONS)
    portal = tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(days=30))
    db.session.commit()
    page = client.get(f"/portal/{portal}").get_data(as_text=True)
    assert "Het besluit" in page and REASONS in page


def test_the_portal_says_nothing_of_a_decision_before_there_is_one(client, db, make_candidate):
    candidate = make_candidate()
    portal = tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(days=30))
    db.session.commit()
    assert "The decision" not in client.get(f"/portal/{portal}").get_data(as_text=True)


def test_the_api_requires_reasons_for_a_rejection(db, api, make_candidate):
    candidate = make_candidate()
    ats = api(candidate.vacancy.owner)
    base = f"/api/v1/candidates/{candidate.id}/decision"
    missing = ats.post(base, json={"decision": "rejected"})
    assert missing.status_code == 422
    assert missing.headers["Content-Type"].startswith("application/problem+json")
    assert "reasons" in str(missing.get_json())
    blank = ats.post(base, json={"decision": "rejected", "reasons": "  "})
    assert blank.status_code == 422
    assert fresh(db, candidate.id).state == CaseState.ADDED
    done = ats.post(base, json={"decision": "rejected", "reasons": REASONS})
    assert done.status_code == 200 and done.get_json()["decision"] == "rejected"
    assert done.get_json()["decision_reasons"] == REASONS
    assert fresh(db, candidate.id).decision_reasons == REASONS


def test_the_cli_requires_reasons_for_a_rejection(runner, db, make_candidate):
    candidate = make_candidate()
    cid, email = str(candidate.id), candidate.vacancy.owner.email
    refused = runner.invoke(args=["case", "decide", cid, "rejected", "--as", email])
    assert refused.exit_code == 1 and "must give its reasons" in refused.output
    done = runner.invoke(args=["case", "decide", cid, "rejected", "--reasons", REASONS,
                               "--as", email])
    assert done.exit_code == 0, done.output
    assert fresh(db, candidate.id).decision_reasons == REASONS


def test_reasons_do_not_open_the_comment_window(db, make_candidate):
    candidate = make_candidate()
    candidate.notified_at = utcnow()  # told what was found just now: the window is open
    db.session.commit()
    with pytest.raises(CaseError) as refused:
        decide(candidate, Decision.REJECTED, actor=candidate.vacancy.owner, reasons=REASONS)
    assert refused.value.code == "comment_window"


def test_the_access_report_holds_the_reasons(db, make_candidate):
    candidate = make_candidate()
    decide(candidate, Decision.REJECTED, actor=candidate.vacancy.owner, reasons=REASONS)
    db.session.commit()
    held = dict(access_report(candidate, actor="candidate").personal_data)
    assert held["decision"] == "rejected" and held["decision_reasons"] == REASONS
