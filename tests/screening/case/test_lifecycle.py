"""The case's life as a table: every state x every action, through the operations themselves.

Each case is put in a state, then the operation that carries out the action is called directly
with an explicit actor. Allowed: the new state, one `case.moved` event per move, and the side
effects queued for after the commit. Refused: IllegalTransition (or, for the sweeps and the
run's own ending, no move at all), and nothing changed.
"""

import itertools
from datetime import timedelta

import pytest

from compliance import consent, retention
from compliance.audit import AuditAction, AuditEvent
from compliance.consent import Notice, SourceAnswer
from compliance.db import utcnow
from compliance.oncommit import pending
from compliance.outbox import OutboxMessage
from compliance.subjects import Subject
from screening import runs
from screening.candidates import decide
from screening.case import (
    answer_consent,
    expire_unanswered,
    request_consent,
    scope,
    withdraw,
)
from screening.lifecycle import TRANSITIONS, Action, CaseState, IllegalTransition, allowed
from screening.models import Candidate, Decision
from screening.runs import RunStatus, ScreeningRun

FEED = "https://blog.example.org/feed.xml"
S, A = CaseState, Action

# DESIGN.md's diagram, transcribed independently of the module under test.
EXPECTED = {
    (S.ADDED, A.ASK_CONSENT): S.CONSENT_REQUESTED,
    (S.CONSENT_REQUESTED, A.ASK_CONSENT): S.CONSENT_REQUESTED,
    # only once the vacancy's terms changed after the agreement (a guard, tested apart)
    (S.CONSENTED, A.ASK_CONSENT): S.CONSENT_REQUESTED,
    (S.SCREENED, A.ASK_CONSENT): S.CONSENT_REQUESTED,
    (S.CONSENT_REQUESTED, A.AGREE): S.CONSENTED,
    (S.CONSENT_REQUESTED, A.DECLINE): S.DECLINED,
    (S.CONSENT_REQUESTED, A.EXPIRE): S.EXPIRED,
    (S.CONSENTED, A.SCREEN): S.SCREENING,
    (S.SCREENED, A.SCREEN): S.SCREENING,
    (S.SCREENING, A.FINISH_RUN): S.SCREENED,
    (S.SCREENING, A.FAIL_RUN): S.CONSENTED,
    (S.SCREENING, A.FAIL_RERUN): S.SCREENED,
    **{(s, A.DECIDE): S.DECIDED for s in (S.ADDED, S.CONSENT_REQUESTED, S.CONSENTED, S.SCREENED)},
    **{(s, A.ERASE): S.ERASED for s in S if s != S.ERASED},
}
# Declining and expiring end the case: it goes on to erased in the same operation.
ENDS = {A.DECLINE, A.EXPIRE, A.ERASE}


def test_the_table_is_the_diagram():
    assert TRANSITIONS == EXPECTED


def moves(db) -> list[dict]:
    return [e.details for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.CASE_MOVED).order_by(AuditEvent.seq))]


@pytest.fixture
def placed(db, case_candidate):
    """Put the case in a state the way a test may: by hand, with what that state implies."""

    def place(state: CaseState, action: Action) -> Candidate:
        candidate = case_candidate
        consent.record_answers(candidate.subject, [SourceAnswer("rss", FEED, True)],
                               notice=Notice("test/1", "test"), scope=scope(candidate),
                               language="en", method="test")
        if action == A.ASK_CONSENT:  # the criteria changed after the agreement
            candidate.vacancy.criteria = [*candidate.vacancy.criteria, "Rust"]
        if action == A.EXPIRE:  # every state's request went unanswered for 15 days
            retention.after_consent_request(candidate.subject, utcnow() - timedelta(days=15))
        candidate.state = state
        if action in (A.FINISH_RUN, A.FAIL_RUN, A.FAIL_RERUN):
            if action == A.FAIL_RERUN:
                db.session.add(ScreeningRun(candidate=candidate, status=RunStatus.DONE,
                                            progress={}, counts={}))
            db.session.add(ScreeningRun(candidate=candidate, status=RunStatus.RUNNING,
                                        progress={"rss": {"state": "ok", "posts": 0}},
                                        counts={"rss": {}}))
        db.session.commit()
        return candidate

    return place


def carry_out(action: Action, candidate: Candidate, actor) -> None:
    """Call the one operation that performs `action`."""
    if action == A.ASK_CONSENT:
        request_consent(candidate, actor=actor)
    elif action in (A.AGREE, A.DECLINE):
        given = action == A.AGREE
        answer_consent(candidate, [SourceAnswer("rss", FEED if given else None, given)],
                       talent_pool=False, method="test")
    elif action == A.EXPIRE:
        expire_unanswered(actor=actor)
    elif action == A.SCREEN:
        runs.queue_run(candidate, actor=actor)
    elif action in (A.FINISH_RUN, A.FAIL_RUN, A.FAIL_RERUN):
        run = runs.latest_run(candidate)
        if action == A.FINISH_RUN:
            runs._finish(run, RunStatus.DONE)  # how run_screening ends a run with results
        else:
            runs._finish(run, RunStatus.FAILED, error="internal_error")
    elif action == A.DECIDE:
        decide(candidate, Decision.HIRED, actor=actor)
    elif action == A.ERASE:
        withdraw(candidate, method="test")


@pytest.mark.parametrize(("state", "action"), list(itertools.product(CaseState, Action)),
                         ids=lambda v: v.value)
def test_every_state_and_action(db, placed, recruiter, state, action):
    candidate = placed(state, action)
    candidate_id, subject_id = candidate.id, candidate.subject_id
    expected = EXPECTED.get((state, action))
    assert allowed(candidate, action) == (expected is not None)
    try:
        carry_out(action, candidate, recruiter)
    except IllegalTransition as error:
        assert expected is None, f"refused: {error.state} x {error.action}"
        db.session.rollback()
        assert db.session.get(Candidate, candidate_id).state == state
        assert moves(db) == []
        return
    if expected is None:  # sweeps and a run's end pass cases they may not move
        db.session.rollback()
        assert db.session.get(Candidate, candidate_id).state == state
        assert moves(db) == []
        return
    first = moves(db)[0]
    assert (first["from"], first["to"], first["step"]) == (state, expected, action)
    final = S.ERASED if action in ENDS else expected
    assert candidate.state == final
    assert [(m["from"], m["to"]) for m in moves(db)][-1][1] == final
    queued = pending()
    db.session.commit()
    check_side_effects(db, action, candidate_id, subject_id, queued)


def check_side_effects(db, action, candidate_id, subject_id, queued) -> None:
    db.session.rollback()
    # The candidate's mail; the recruiters' notices are test_staff_notices.py's.
    kinds = [m.kind for m in db.session.scalars(db.select(OutboxMessage))
             if not m.kind.startswith("staff_")]
    if action in ENDS:  # erased once the commit happened, by the operation's own hook
        assert queued
        assert db.session.get(Candidate, candidate_id) is None
        assert db.session.get(Subject, subject_id) is None
        erased = db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.action == AuditAction.SUBJECT_ERASED)).all()
        assert len(erased) == 1
    elif action == A.ASK_CONSENT:
        assert queued and kinds == ["consent_request"]  # handed to SMTP after the commit
    elif action == A.SCREEN:
        assert queued  # the run is enqueued after the commit
        assert db.session.scalars(db.select(ScreeningRun)).one().candidate_id == candidate_id
    elif action == A.FINISH_RUN:
        assert kinds == ["screened_notice"]
    elif action in (A.FAIL_RUN, A.FAIL_RERUN):
        assert kinds == []  # no notice for a run without result
    elif action == A.DECIDE:
        candidate = db.session.get(Candidate, candidate_id)
        assert candidate.subject.erase_after == candidate.decided_at + timedelta(days=28)


def test_a_rolled_back_operation_sends_nothing(db, case_candidate, recruiter):
    request_consent(case_candidate, actor=recruiter)
    assert pending()
    db.session.rollback()
    assert pending() == []
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_expiry_comes_before_the_retention_sweep(db, case_candidate, recruiter):
    cid = case_candidate.id
    request_consent(case_candidate, actor=recruiter)
    db.session.commit()
    asked = utcnow()
    assert expire_unanswered(now=asked + timedelta(days=13)) == 0
    later = asked + timedelta(days=14, minutes=1)
    assert retention.due_subjects(later) == []  # the sweep is the backstop, not the first
    assert expire_unanswered(now=later) == 1
    db.session.commit()
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None
    assert [(m["from"], m["to"]) for m in moves(db)][-2:] == [
        ("consent_requested", "expired"), ("expired", "erased")]
