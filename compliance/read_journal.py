"""The read journal: staff reads of personal data, written without the chain lock.

A read is one plain INSERT here, so reads never wait behind the audit chain's writers. It
moves into the chain (compliance.audit) in one transaction that appends it and deletes it
here, so it is chained exactly once: by a request that wrote reads when the chain is free and
its process has not folded within READ_FOLD_SECONDS (so a busy process folds a tenth of a
second's reads at once, not one request's each, and no request waits for a whole second's),
else by the next append of any event, else by the periodic fold a minute later. Until then
it is recorded but not yet hash-chained; the journal refuses UPDATE.
"""

import time
from collections.abc import Iterable
from datetime import datetime

from huey import crontab
from sqlalchemy import Integer, String, Text, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from compliance import audit
from compliance.db import UTCDateTime, db
from compliance.queue import periodic

# One fold appends at most this many reads; the periodic fold repeats until none is left.
BATCH = 5000


class JournaledRead(db.Model):
    """A read not yet in the chain, in the chain's own terms (pseudonym, canonical JSON)."""

    __tablename__ = "read_journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64))
    objects: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)


_FIELDS = ("at", "actor", "action", "subject", "objects", "details")
# When this process last folded the journal (time.monotonic), for write's cadence.
_last_fold = [float("-inf")]


def write(entries: Iterable[tuple], fold_every: float = 0.0) -> int:
    """Journal reads, (at, actor, action, pseudonym, objects JSON, details JSON) each, in one
    statement; then, unless this process folded less than `fold_every` seconds ago, fold the
    journal into the chain if no one holds the chain's lock. The caller commits: once it has,
    no read of the batch can be lost."""
    rows = [dict(zip(_FIELDS, entry, strict=True)) for entry in entries]
    if not rows:
        return 0
    db.session.execute(insert(JournaledRead.__table__), rows)
    now = time.monotonic()
    if now - _last_fold[0] >= fold_every and audit.try_lock_chain():
        _last_fold[0] = now
        fold_locked()
    return len(rows)


def fold_locked(limit: int = BATCH) -> int:
    """Move up to `limit` journaled reads, oldest first, into the chain; the caller holds the
    chain lock and commits (both steps or neither)."""
    table = JournaledRead.__table__
    rows = db.session.execute(select(table.c.id, *(table.c[f] for f in _FIELDS))
                              .order_by(table.c.id).limit(limit)).all()
    if not rows:
        return 0
    audit.append_journaled([tuple(row[1:]) for row in rows])
    db.session.execute(delete(table).where(table.c.id.in_([row[0] for row in rows])))
    return len(rows)


def pending() -> int:
    """Count the reads written down but not yet chained."""
    return db.session.scalar(select(func.count()).select_from(JournaledRead.__table__))


def fold() -> int:
    """Chain every journaled read now, a committed batch at a time; return how many."""
    total = 0
    while pending():  # a quiet journal costs one look, not the chain's lock
        audit.lock_chain()
        moved = fold_locked()
        db.session.commit()
        total += moved
        if moved < BATCH:
            break
    return total


@periodic("audit.fold_reads", crontab(minute="*"))
def fold_quiet_journal() -> None:
    """Chain the reads that no append has taken along (the chain was busy, then quiet)."""
    fold()
