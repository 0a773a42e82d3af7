"""Counsel releases a held erasure request or objection: the case ends as it would have without
the hold, moved to erased for the request's own reason, with the recruiter's line saying so.

Called as an operation with an explicit actor, then through the legal page.
"""

import pytest

from compliance import rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.subjects import Subject
from screening.case import request_right
from screening.labels import tombstone_line
from screening.lifecycle import CaseRecord, CaseState
from screening.models import Candidate
from tests.conftest import log_in

ENDINGS = {rights.Right.ERASURE: ("erasure_requested", "asked for erasure on"),
           rights.Right.OBJECTION: ("objection", "objected on")}


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL)


def held_request(db, candidate, legal, right: rights.Right) -> rights.RightsRequest:
    rights.place_hold(candidate.subject, actor=legal, reason="Dispute before the court")
    request = request_right(candidate, right)
    db.session.commit()
    assert request.status == rights.RequestStatus.ON_HOLD
    assert candidate.state == CaseState.ADDED  # the hold keeps the case as it was
    return request


def events(db, since: int = 0) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.seq > since)
                                   .order_by(AuditEvent.seq)))


def last_seq(db) -> int:
    return db.session.scalar(db.select(db.func.max(AuditEvent.seq)))


@pytest.mark.parametrize("right", list(ENDINGS))
def test_a_released_request_ends_the_case_for_its_own_reason(db, legal, case_candidate, right):
    request = held_request(db, case_candidate, legal, right)
    cid, sid, vid = case_candidate.id, case_candidate.subject_id, case_candidate.vacancy_id
    why, words = ENDINGS[right]
    before = last_seq(db)

    rights.resolve(request, actor=legal, release=True, note="Case settled")
    db.session.commit()  # erased as this commits

    db.session.rollback()
    assert db.session.get(Candidate, cid) is None and db.session.get(Subject, sid) is None
    record = db.session.get(CaseRecord, cid)
    assert (record.state, record.why) == (CaseState.ERASED, why)
    line = tombstone_line(record)
    assert line.startswith(f"Candidate {cid} {words}") and "all data erased" in line
    assert "Jamie" not in line
    [unheld, released, moved, erased_request, erased] = events(db, before)
    assert (unheld.action, unheld.details) == (AuditAction.LEGAL_HOLD_RELEASED, {})
    assert (released.action, released.actor) == (AuditAction.RIGHTS_RESOLVED, f"user:{legal.id}")
    assert released.details == {"right": right.value, "resolution": "released"}
    assert (moved.action, moved.actor) == (AuditAction.CASE_MOVED, f"user:{legal.id}")
    assert moved.objects == {"candidate": cid, "vacancy": vid}
    assert moved.details == {"step": "erase", "from": "added", "to": "erased", "why": why}
    assert erased_request.action == AuditAction.RIGHTS_RESOLVED
    assert erased_request.details == {"right": right.value, "resolution": "erased"}
    assert (erased.action, erased.details) == (AuditAction.SUBJECT_ERASED, {"reason": why})


def test_a_refused_request_leaves_the_case_and_its_hold(db, legal, case_candidate):
    request = held_request(db, case_candidate, legal, rights.Right.OBJECTION)
    before = last_seq(db)
    rights.resolve(request, actor=legal, release=False, note="Still needed for the dispute")
    db.session.commit()
    [refused, *told] = events(db, before)
    assert [e.action for e in told] == ["notification.sent"]  # the candidate is told why
    assert refused.details == {"right": "objection", "resolution": "refused"}
    candidate = db.session.get(Candidate, case_candidate.id)
    assert candidate.state == CaseState.ADDED and rights.held(candidate.subject) is not None
    assert candidate.subject.erase_reason.value == "undecided"  # its clock runs as before


def test_resolving_a_request_that_erases_nothing_erases_nothing(db, legal, case_candidate):
    request = rights.request_right(case_candidate.subject, rights.Right.RECTIFICATION,
                                   objects={"candidate": case_candidate.id})
    db.session.commit()
    rights.resolve(request, actor=legal, note="Corrected the address")
    db.session.commit()
    assert (request.status, request.resolution) == (rights.RequestStatus.DONE, "resolved")
    assert db.session.get(Candidate, case_candidate.id).state == CaseState.ADDED
    with pytest.raises(rights.RightsError):  # answered once: no second answer
        rights.resolve(request, actor=legal, release=False, note="No after all")


def test_released_from_the_legal_page_the_recruiter_reads_the_objection(
        app, client, db, login, recruiter, legal, case_candidate):
    request = held_request(db, case_candidate, legal, rights.Right.OBJECTION)
    cid, vid = case_candidate.id, case_candidate.vacancy_id
    counsel = app.test_client()
    log_in(counsel, legal)
    answer = counsel.post(f"/legal/rights/{request.id}/resolve", data={"note": "Case settled"})
    assert answer.status_code == 302
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None
    assert db.session.get(CaseRecord, cid).why == "objection"
    login(recruiter)
    page = client.get(f"/vacancies/{vid}").get_data(as_text=True)
    assert f"Candidate {cid} objected on" in page and "retention period" not in page
    gone = client.get(f"/candidates/{cid}")
    assert gone.status_code == 410 and f"Candidate {cid} objected on" in gone.get_data(as_text=True)
