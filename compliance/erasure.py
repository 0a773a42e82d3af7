"""Erasure: shred the subject's data key, delete its rows, leave a pseudonymous event.

Each step commits before the next, because the key vault and the database cannot share a
transaction. A subject is first marked (`erasing_since`): from then on the next sweep finishes
the erasure whatever happened in between, and nothing unmarked is ever shredded.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, literal, or_, select, update

from compliance import audit, vault
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, truncate_wal, utcnow
from compliance.subjects import LegalHold, RetentionReason, Subject


def erase_subject(subject: Subject, *, actor: Any, reason: RetentionReason) -> None:
    """Erase one subject now (e.g. on an erasure request); commits, unlike most operations."""
    subject.erase_reason = RetentionReason(reason)
    subject.erase_after = subject.erase_after or utcnow()
    subject.erasing_since = subject.erasing_since or utcnow()
    marked = [(subject.id, subject.key_id)]
    db.session.commit()
    shred_and_delete(marked, actor=actor)


def held():
    """The condition of a subject under a legal hold in force (Art. 17(3))."""
    return exists().where(LegalHold.subject_id == Subject.id, LegalHold.released_at.is_(None))


def due(now: datetime):
    """The condition of a subject the sweep erases: past its date and not held, or already
    being erased (a hold cannot stop an erasure that has begun)."""
    return or_(Subject.erasing_since.is_not(None),
               and_(Subject.erase_after <= now, ~held()))


# Sweeps mark and delete thousands of rows at once: Core statements on the table, not the ORM
# bulk path, whose per-row bookkeeping cost more than the SQL itself.
_SUBJECT = Subject.__table__


def mark_due(now: datetime, limit: int, *, commit: bool = True) -> list[tuple[int, str | None]]:
    """Mark the next `limit` due subjects as being erased; return (id, key id) of each.

    Commits unless told not to: marks must be committed before any of their keys is shredded.
    """
    batch = select(_SUBJECT.c.id).where(due(now)).order_by(_SUBJECT.c.id).limit(limit)
    marked = db.session.connection().execute(
        # The condition is repeated on the row itself, so that a date moved by a concurrent
        # transaction is seen (PostgreSQL re-checks it on the newest row version).
        update(_SUBJECT).where(_SUBJECT.c.id.in_(batch.scalar_subquery()), due(now))
        .values(erasing_since=func.coalesce(_SUBJECT.c.erasing_since,
                                            literal(now, UTCDateTime())))
        .returning(_SUBJECT.c.id, _SUBJECT.c.key_id)
    ).all()
    if commit:
        db.session.commit()
    return [tuple(row) for row in marked]


def shred_and_delete(
    marked: list[tuple[int, str | None]], *, actor: Any,
    mark_next: tuple[datetime, int] | None = None,
) -> tuple[dict[str, int], list[tuple[int, str | None]]]:
    """Shred the marked subjects' keys, delete them and audit each, commit, truncate the WAL.

    Returns their count by reason, and the next batch marked in the same commit when
    `mark_next` gives (now, limit): a sweep then commits once per batch rather than twice.
    """
    vault.shred([key_id for _id, key_id in marked if key_id])
    deleted = db.session.connection().execute(
        delete(_SUBJECT)
        .where(_SUBJECT.c.id.in_([subject_id for subject_id, _k in marked]),
               _SUBJECT.c.erasing_since.is_not(None))
        .returning(_SUBJECT.c.pseudonym_secret, _SUBJECT.c.erase_reason)
    ).all()
    # Rows before the chain lock, as every operation takes them: no deadlock with a request
    # that changed a subject and waits to audit it.
    following = mark_due(*mark_next, commit=False) if mark_next else []
    pseudonym_of = audit.pseudonym_of
    reasons = [str(reason or "unknown") for _secret, reason in deleted]
    audit.record_many(
        AuditAction.SUBJECT_ERASED,
        [(pseudonym_of(secret), None, {"reason": reason})
         for (secret, _r), reason in zip(deleted, reasons, strict=True)],
        actor=actor,
    )
    db.session.commit()
    # The deleted rows, pseudonym secrets among them, linger in SQLite's write-ahead log.
    truncate_wal(db.engine)
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return counts, following
