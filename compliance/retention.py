"""Retention: when each subject's data falls due, and the sweep that erases what is due.

Operations elsewhere set the date through `schedule` (and the helpers below); the sweep needs
nothing but the subject rows, so it works whatever product hangs its data off a subject.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import select

from compliance import audit, erasure, policy
from compliance.audit import AuditAction
from compliance.db import db, utcnow
from compliance.queue import periodic
from compliance.subjects import RetentionReason, Subject

# The numbers and the rules they come from live in compliance/policy.py.
CONSENT_ANSWER_DAYS = policy.CONSENT_ANSWER_DAYS
UNDECIDED_DAYS = policy.UNDECIDED_DAYS


class ErasureInProgress(RuntimeError):
    """The subject is being erased; its date can no longer move."""


def schedule(subject: Subject, due: datetime, reason: RetentionReason) -> None:
    """Set when the subject's data is erased, and why; the latest call wins."""
    if subject.erasing_since is not None:
        raise ErasureInProgress(subject.id)
    subject.erase_after, subject.erase_reason = due, RetentionReason(reason)


def after_added(subject: Subject, added_at: datetime) -> None:
    """Start the backstop clock of a new case."""
    schedule(subject, added_at + timedelta(days=UNDECIDED_DAYS), RetentionReason.UNDECIDED)


def after_consent_request(subject: Subject, requested_at: datetime) -> None:
    """Erase the case if the consent request goes unanswered."""
    schedule(subject, requested_at + timedelta(days=CONSENT_ANSWER_DAYS),
             RetentionReason.CONSENT_UNANSWERED)


def after_consent_ended(subject: Subject, reason: RetentionReason) -> None:
    """Erase at once after a decline, a withdrawal, an objection or an erasure request."""
    schedule(subject, utcnow(), reason)


def after_decision(subject: Subject, decided_at: datetime, retention_days: int) -> None:
    """Erase the vacancy's retention period after the decision."""
    schedule(subject, decided_at + timedelta(days=retention_days), RetentionReason.DECIDED)


def after_talent_pool_consent(subject: Subject, consented_at: datetime,
                              days: int | None = None) -> None:
    """Keep a talent-pool candidate for the preset's period (NL: a year) from their consent."""
    days = days if days is not None else policy.preset(None).talent_pool_days
    schedule(subject, consented_at + timedelta(days=days),
             RetentionReason.TALENT_POOL)


def due_subjects(now: datetime | None = None, limit: int | None = None) -> list[Subject]:
    """Return the subjects the sweep would erase now, earliest first."""
    query = (select(Subject).where(erasure.due(now or utcnow()))
             .order_by(Subject.erase_after, Subject.id).limit(limit))
    return list(db.session.scalars(query))


@dataclass
class SweepResult:
    erased: int = 0
    batches: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


def sweep(*, now: datetime | None = None, batch: int | None = None,
          actor: str = "system") -> SweepResult:
    """Erase every subject past its date, in batches; each batch commits on its own."""
    now = now or utcnow()
    size = batch or int(current_app.config["RETENTION_BATCH"])
    result = SweepResult()
    db.session.commit()
    marked = erasure.mark_due(now, size)
    while marked:
        counts, marked = erasure.shred_and_delete(marked, actor=actor, mark_next=(now, size))
        for reason, count in counts.items():
            result.by_reason[reason] = result.by_reason.get(reason, 0) + count
            result.erased += count
        result.batches += 1
    if result.erased:
        audit.record(AuditAction.RETENTION_SWEPT, actor=actor, erased=result.erased,
                     batches=result.batches)
        db.session.commit()
    return result


@periodic("retention.sweep", crontab(minute="*/15"))
def sweep_task() -> int:
    """Erase what is due, four times an hour."""
    return sweep().erased
