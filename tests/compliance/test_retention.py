"""Retention: dates set by the case's operations, and a sweep that erases exactly what is due."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from compliance import audit, checkpoints, retention, vault
from compliance.audit import AuditEvent
from compliance.db import utcnow
from compliance.subjects import RetentionReason, Subject
from compliance.verify import verify_database
from screening.candidates import decide
from screening.models import Candidate, Decision


def erased_events(db) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "subject.erased").order_by(AuditEvent.seq)
    ))


def make_due(db, candidate, days_ago: int = 1, reason=RetentionReason.DECIDED) -> None:
    retention.schedule(candidate.subject, utcnow() - timedelta(days=days_ago), reason)
    db.session.commit()


def test_adding_starts_the_backstop_and_deciding_the_retention_period(db, make_vacancy,
                                                                      make_candidate):
    candidate = make_candidate(make_vacancy(retention_days=28))
    assert candidate.subject.erase_reason == RetentionReason.UNDECIDED
    assert candidate.subject.erase_after > utcnow() + timedelta(days=179)
    decide(candidate, Decision.REJECTED, actor=candidate.vacancy.owner,
           reasons="Less Django experience.")
    db.session.commit()
    assert candidate.subject.erase_reason == RetentionReason.DECIDED
    assert candidate.subject.erase_after == candidate.decided_at + timedelta(days=28)


@pytest.mark.parametrize("helper, days, reason", [
    (retention.after_consent_request, 14, RetentionReason.CONSENT_UNANSWERED),
    (retention.after_talent_pool_consent, 365, RetentionReason.TALENT_POOL),
])
def test_consent_dates(db, make_candidate, helper, days, reason):
    subject = make_candidate().subject
    start = utcnow()
    helper(subject, start)
    assert (subject.erase_after, subject.erase_reason) == (start + timedelta(days=days), reason)


def test_a_declined_consent_is_due_at_once(db, make_candidate):
    subject = make_candidate().subject
    retention.after_consent_ended(subject, RetentionReason.CONSENT_DECLINED)
    db.session.commit()
    assert [s.id for s in retention.due_subjects()] == [subject.id]


def test_the_sweep_erases_what_is_due_and_nothing_else(db, make_vacancy, make_candidate):
    vacancy = make_vacancy()
    due = make_candidate(vacancy, name="Due Person")
    kept = make_candidate(vacancy, name="Kept Person")
    make_due(db, due)
    pseudonym, due_key, kept_id = audit.pseudonym(due.subject), due.subject.key_id, kept.id
    result = retention.sweep()
    assert result.erased == 1 and result.by_reason == {"decided": 1}
    assert not vault.exists(due_key)
    db.session.expire_all()
    assert db.session.scalars(select(Candidate.id)).all() == [kept_id]
    assert db.session.get(Candidate, kept_id).name == "Kept Person"
    [event] = erased_events(db)
    assert event.subject == pseudonym and event.details == {"reason": "decided"}
    assert event.objects == {} and event.actor == "system"
    assert retention.sweep().erased == 0
    assert verify_database(checkpoints.instance_public_key()).ok


def test_dry_run_lists_without_personal_data_and_erases_nothing(runner, db, make_candidate):
    candidate = make_candidate(name="Secret Name", email="secret@example.org")
    make_due(db, candidate, days_ago=3)
    result = runner.invoke(args=["retention", "sweep", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"subject {candidate.subject_id}" in result.output and "3 days overdue" in result.output
    assert "Secret" not in result.output and "secret@" not in result.output
    assert "1 subjects would be erased" in result.output
    assert db.session.scalar(select(func.count(Subject.id))) == 1
    result = runner.invoke(args=["retention", "sweep"])
    assert result.exit_code == 0 and "Erased 1 subjects (1 decided)." in result.output


def test_a_subject_being_erased_cannot_be_rescheduled(db, make_candidate):
    subject = make_candidate().subject
    subject.erasing_since = utcnow()
    with pytest.raises(retention.ErasureInProgress):
        retention.schedule(subject, utcnow() + timedelta(days=30), RetentionReason.TALENT_POOL)


def test_the_next_sweep_finishes_an_interrupted_erasure(db, make_candidate):
    candidate = make_candidate()
    subject = candidate.subject
    subject.erasing_since = utcnow()  # marked and shredded, then the process died
    subject.erase_after = utcnow() + timedelta(days=300)  # even a date moved later loses
    db.session.commit()
    vault.shred([subject.key_id])
    assert retention.sweep().erased == 1
    assert len(erased_events(db)) == 1
    assert db.session.scalar(select(func.count(Candidate.id))) == 0


def test_the_sweep_and_checkpoint_are_periodic_tasks(app):
    assert {"retention.sweep", "audit.checkpoint"} <= set(app.extensions["huey_tasks"])
