"""Erasure: shred the subject's data key, delete its rows, leave a pseudonymous event.

Each step commits before the next, because the key vault and the database cannot share a
transaction. A subject is first marked (`erasing_since`): from then on the next sweep finishes
the erasure whatever happened in between, and nothing unmarked is ever shredded.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update

from compliance import audit, vault
from compliance.audit import AuditAction
from compliance.db import db, utcnow
from compliance.subjects import RetentionReason, Subject


def erase_subject(subject: Subject, *, actor: Any, reason: RetentionReason) -> None:
    """Erase one subject now (e.g. on an erasure request); commits, unlike most operations."""
    subject.erase_reason = RetentionReason(reason)
    subject.erase_after = subject.erase_after or utcnow()
    subject.erasing_since = subject.erasing_since or utcnow()
    db.session.commit()
    _shred_and_delete([subject.id], actor=actor)


def erase_batch(ids: list[int], *, now: datetime, actor: Any) -> dict[str, int]:
    """Mark the due subjects among `ids`, then erase the marked ones; count them by reason."""
    db.session.execute(
        update(Subject)
        .where(Subject.id.in_(ids), Subject.erasing_since.is_(None), Subject.erase_after <= now)
        .values(erasing_since=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return _shred_and_delete(ids, actor=actor)


def _shred_and_delete(ids: list[int], *, actor: Any) -> dict[str, int]:
    marked = Subject.id.in_(ids), Subject.erasing_since.is_not(None)
    key_ids = [k for k in db.session.scalars(select(Subject.key_id).where(*marked)) if k]
    db.session.rollback()  # end the read, so the delete below starts from a fresh snapshot
    vault.shred(key_ids)
    deleted = db.session.execute(
        delete(Subject).where(*marked)
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
