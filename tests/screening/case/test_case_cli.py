"""`flask case ...`: the same operations and refusals as the pages and the API."""

from datetime import timedelta

from compliance import retention
from compliance.audit import AuditAction
from compliance.db import utcnow
from compliance.subjects import Subject
from screening.lifecycle import CaseState
from screening.models import Candidate
from tests.screening.case.test_case_flow import actions


def test_a_case_is_asked_decided_and_refused_from_the_command_line(runner, db, recruiter,
                                                                    case_candidate):
    cid = str(case_candidate.id)
    shown = runner.invoke(args=["case", "show", cid])
    assert shown.exit_code == 0 and "added" in shown.output and "ask_consent" in shown.output
    assert "Jamie" not in shown.output
    asked = runner.invoke(args=["case", "ask", cid, "--as", recruiter.email])
    assert asked.exit_code == 0, asked.output
    early = runner.invoke(args=["case", "screen", cid, "--as", recruiter.email])
    assert early.exit_code == 1 and "consent_requested cannot screen" in early.output
    decided = runner.invoke(args=["case", "decide", cid, "hired", "--as", recruiter.email])
    assert decided.exit_code == 0, decided.output
    again = runner.invoke(args=["case", "screen", cid, "--as", recruiter.email])
    assert again.exit_code == 1 and "decided cannot screen" in again.output
    twice = runner.invoke(args=["case", "decide", cid, "rejected", "--as", recruiter.email])
    assert twice.exit_code == 1 and "decided cannot decide" in twice.output
    db.session.rollback()
    assert db.session.get(Candidate, case_candidate.id).state == CaseState.DECIDED


def test_only_a_recruiter_in_scope_can_act(runner, make_user, case_candidate):
    stranger = make_user()
    refused = runner.invoke(args=["case", "ask", str(case_candidate.id), "--as", stranger.email])
    assert refused.exit_code == 1 and "No candidate" in refused.output


def test_unanswered_requests_expire_and_their_cases_are_erased(runner, db, recruiter,
                                                               case_candidate):
    cid, sid = case_candidate.id, case_candidate.subject_id
    runner.invoke(args=["case", "ask", str(cid), "--as", recruiter.email])
    db.session.rollback()
    subject = db.session.get(Subject, sid)
    retention.after_consent_request(subject, utcnow() - timedelta(days=15))
    db.session.commit()
    expired = runner.invoke(args=["case", "expire"])
    assert expired.exit_code == 0 and "1 unanswered" in expired.output
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None
    assert actions(db)[-4:] == [AuditAction.CASE_MOVED, AuditAction.CONSENT_EXPIRED,
                                AuditAction.CASE_MOVED, AuditAction.SUBJECT_ERASED]
