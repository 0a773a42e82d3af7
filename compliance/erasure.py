"""Erasure: shred the subject's data key, delete its rows, leave a pseudonymous event.

Each step commits before the next, because the key vault and the database cannot share a
transaction. A subject is first marked (`erasing_since`): from then on the next sweep finishes
the erasure whatever happened in between, and nothing unmarked is ever shredded.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, literal, or_, select, update

from compliance import audit, vault
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, utcnow
from compliance.subjects import RetentionReason, Subject


def erase_subject(subject: Subject, *, actor: Any, reason: RetentionReason) -> None:
    """Erase one subject now (e.g. on an erasure request); commits, unlike most operations."""
    subject.erase_reason = RetentionReason(reason)
    subject.erase_after = subject.erase_after or utcnow()
    subject.erasing_since = subject.erasing_since or utcnow()
    marked = [(subject.id, subject.key_id)]
    db.session.commit()
    shred_and_delete(marked, actor=actor)


def due(now: datetime):
    """The condition of a subject the sweep erases: past its date, or already being erased."""
    return or_(Subject.erasing_since.is_not(None), Subject.erase_after <= now)


def mark_due(now: datetime, limit: int) -> list[tuple[int, str | None]]:
    """Mark the next `limit` due subjects as being erased, committed; return (id, key id)."""
    batch = select(Subject.id).where(due(now)).order_by(Subject.id).limit(limit)
    marked = db.session.execute(
        # The condition is repeated on the row itself, so that a date moved by a concurrent
        # transaction is seen (PostgreSQL re-checks it on the newest row version).
        update(Subject).where(Subject.id.in_(batch.scalar_subquery()), due(now))
        .values(erasing_since=func.coalesce(Subject.erasing_since, literal(now, UTCDateTime())))
        .returning(Subject.id, Subject.key_id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return [(row.id, row.key_id) for row in marked]


def shred_and_delete(marked: list[tuple[int, str | None]], *, actor: Any) -> dict[str, int]:
    """Shred the marked subjects' keys, then delete them and audit each; count them by reason."""
    vault.shred([key_id for _id, key_id in marked if key_id])
    deleted = db.session.execute(
        delete(Subject)
        .where(Subject.id.in_([subject_id for subject_id, _k in marked]),
               Subject.erasing_since.is_not(None))
        .returning(Subject.pseudonym_secret, Subject.erase_reason)
        .execution_options(synchronize_session=False)
    ).all()
    reasons = [str(reason or "unknown") for _secret, reason in deleted]
    audit.record_many(
        AuditAction.SUBJECT_ERASED,
        [(audit.pseudonym_of(secret), {}, {"reason": reason})
         for (secret, _r), reason in zip(deleted, reasons, strict=True)],
        actor=actor,
    )
    db.session.commit()
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return counts
