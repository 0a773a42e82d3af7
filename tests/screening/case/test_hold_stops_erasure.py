"""A legal hold keeps the data of a case that ends by withdrawal, decline or expiry, as it keeps
a held erasure request's: the case ends, nothing more is done with the data, the candidate is
told, and the sweep erases it once the hold is released."""

from datetime import timedelta

import pytest

from compliance import retention, rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.subjects import Subject
from screening.case import expire_unanswered, request_consent
from screening.lifecycle import CaseRecord, CaseState
from screening.models import Candidate
from tests.conftest import log_in
from tests.screening.case.test_case_flow import ask_and_agree, links

HOLD_WORDS = "legal counsel keeps it under a legal hold"


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL)


def hold(db, candidate, legal) -> None:
    rights.place_hold(candidate.subject, actor=legal, reason="Dispute before the court")
    db.session.commit()


def events(db, action: AuditAction) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == action.value).order_by(AuditEvent.seq)))


def assert_kept(db, cid: int, sid: int, why: str) -> None:
    db.session.rollback()
    candidate = db.session.get(Candidate, cid)
    assert candidate is not None and db.session.get(Subject, sid) is not None
    assert candidate.state == CaseState.ERASED  # ended: nothing more is done with it
    assert candidate.subject.erase_reason.value == why
    assert candidate.subject.erase_after <= utcnow() and candidate.subject.erasing_since is None
    assert events(db, AuditAction.SUBJECT_ERASED) == []
    [moved] = [e for e in events(db, AuditAction.CASE_MOVED) if e.details["to"] == "erased"]
    assert moved.details["why"] == why and moved.details["erasure"] == "held"


def assert_erased_after_release(db, legal, cid: int, sid: int, why: str) -> None:
    """The release makes the case's past date count again: the next sweep erases it."""
    subject = db.session.get(Subject, sid)
    rights.release_hold(subject, actor=legal, reason="Dispute settled")
    db.session.commit()
    result = retention.sweep()
    assert (result.erased, result.by_reason) == (1, {why: 1})
    db.session.rollback()
    assert db.session.get(Subject, sid) is None and db.session.get(Candidate, cid) is None
    record = db.session.get(CaseRecord, cid)
    assert (record.state, record.why) == (CaseState.ERASED, why)
    [erased] = events(db, AuditAction.SUBJECT_ERASED)
    assert erased.details == {"reason": why}


def test_withdrawal_under_a_hold_keeps_the_data_and_tells_the_candidate(
        app, client, db, login, recruiter, legal, case_candidate, blog):
    _consent, portal = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    cid, sid = case_candidate.id, case_candidate.subject_id
    hold(db, case_candidate, legal)

    done = client.post(f"{portal}/withdraw")
    assert done.status_code == 200
    text = done.get_data(as_text=True)
    assert "Your agreement is withdrawn" in text and HOLD_WORDS in text
    assert "your data has been erased" not in text
    assert_kept(db, cid, sid, "consent_withdrawn")
    assert events(db, AuditAction.CONSENT_WITHDRAWN)

    home = client.get(portal).get_data(as_text=True)  # the candidate can look again
    assert HOLD_WORDS in home and "Withdraw your agreement" not in home
    login(recruiter)  # restricted: the recruiter no longer reads what is kept
    assert client.get(f"/candidates/{cid}/findings").status_code == 403
    assert retention.sweep().erased == 0  # the sweep passes it by while held

    assert_erased_after_release(db, legal, cid, sid, "consent_withdrawn")
    assert client.get(f"/candidates/{cid}").status_code == 410


def test_decline_under_a_hold_keeps_the_data_and_tells_the_candidate(
        client, db, login, recruiter, legal, case_candidate):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    cid, sid = case_candidate.id, case_candidate.subject_id
    hold(db, case_candidate, legal)
    answer = client.post(links(db, "consent_request")["consent"], data={"decline_all": "1"})
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "You declined" in text and HOLD_WORDS in text and "has been erased" not in text
    assert_kept(db, cid, sid, "consent_declined")
    assert_erased_after_release(db, legal, cid, sid, "consent_declined")


def test_expiry_under_a_hold_keeps_the_data_until_the_release(db, recruiter, legal,
                                                               case_candidate):
    request_consent(case_candidate, actor=recruiter)
    db.session.commit()
    cid, sid = case_candidate.id, case_candidate.subject_id
    hold(db, case_candidate, legal)
    assert expire_unanswered(now=utcnow() + timedelta(days=15), actor="system") == 1
    db.session.commit()
    assert_kept(db, cid, sid, "consent_unanswered")
    assert events(db, AuditAction.CONSENT_EXPIRED)
    assert expire_unanswered(now=utcnow() + timedelta(days=16), actor="system") == 0
    assert_erased_after_release(db, legal, cid, sid, "consent_unanswered")


def test_the_sweep_passes_a_kept_case_by_until_the_hold_is_released(db, legal,
                                                                    case_candidate):
    from screening.case import withdraw

    cid, sid = case_candidate.id, case_candidate.subject_id
    hold(db, case_candidate, legal)
    assert withdraw(case_candidate, method="portal") is True
    db.session.commit()
    assert retention.sweep(now=utcnow() + timedelta(days=400)).erased == 0
    assert db.session.get(Candidate, cid) is not None
    assert_erased_after_release(db, legal, cid, sid, "consent_withdrawn")


def test_without_a_hold_a_withdrawal_still_erases_at_once(client, db, login, recruiter,
                                                          case_candidate, blog):
    _consent, portal = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    cid = case_candidate.id
    done = client.post(f"{portal}/withdraw").get_data(as_text=True)
    assert "your data has been erased" in done and HOLD_WORDS not in done
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None


def test_counsel_sees_the_kept_case_and_releases_it_from_the_candidate_page(
        app, db, legal, case_candidate):
    from screening.case import withdraw

    cid, sid = case_candidate.id, case_candidate.subject_id
    hold(db, case_candidate, legal)
    withdraw(case_candidate, method="portal")
    db.session.commit()
    counsel = app.test_client()
    log_in(counsel, legal)
    assert counsel.get(f"/candidates/{cid}/findings").status_code == 200  # counsel reads it
    page = counsel.get("/legal/retention").get_data(as_text=True)
    assert "Dispute before the court" in page
    counsel.post("/legal/rights/holds/release",
                 data={"subject_id": sid, "reason": "Dispute settled"})
    assert retention.sweep().erased == 1
    db.session.rollback()
    assert db.session.get(Subject, sid) is None
