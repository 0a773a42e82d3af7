"""What the legal pages show: audit log queries, chain status, retention overview (no Flask)."""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import Select, func, or_, select

from compliance.accounts import User
from compliance.audit import AuditAction, AuditEvent
from compliance.checkpoints import AuditCheckpoint
from compliance.db import db, utcnow
from compliance.erasure import held
from compliance.subjects import LegalHold, Subject

PAGE_SIZE = 50
UPCOMING_DAYS = 30


@dataclass
class Page:
    items: list
    number: int
    pages: int
    total: int


@dataclass
class AuditFilter:
    since: date | None = None
    until: date | None = None
    action: AuditAction | None = None
    vacancy: int | None = None
    actor: str | None = None  # as recorded: `user:<id>`, `candidate` or `system`
    # The days run from midnight to midnight here: the zone the page shows its times in.
    zone: tzinfo = UTC

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), self.zone).astimezone(UTC)

    def query(self) -> Select:
        """Select the matching events, newest first."""
        query = select(AuditEvent)
        if self.since:
            query = query.where(AuditEvent.at >= self._midnight(self.since))
        if self.until:
            query = query.where(AuditEvent.at < self._midnight(self.until + timedelta(days=1)))
        if self.action:
            query = query.where(AuditEvent.action == self.action.value)
        if self.actor:
            query = query.where(AuditEvent.actor == self.actor)
        if self.vacancy is not None:
            # Canonical JSON text: the vacancy id is followed by a comma or the closing brace.
            needle = f'"vacancy":{int(self.vacancy)}'
            query = query.where(or_(AuditEvent.objects_json.like(f"%{needle},%"),
                                    AuditEvent.objects_json.like(f"%{needle}}}%")))
        return query.order_by(AuditEvent.seq.desc())


def paginate(query: Select, page: int, size: int = PAGE_SIZE) -> Page:
    """Return one page of a query's rows, with the page count."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, math.ceil(total / size))
    number = min(max(1, page), pages)
    items = list(db.session.scalars(query.limit(size).offset((number - 1) * size)))
    return Page(items, number, pages, total)


def staff() -> list[User]:
    """Return the staff accounts, the only actors the audit log names (by name, on the page)."""
    return list(db.session.scalars(select(User).order_by(User.name, User.id)))


def staff_actor(actor: str) -> User | None:
    """Return the staff account an actor label names, or None."""
    kind, _sep, number = actor.partition(":")
    if kind != "user" or not (number.isascii() and number.isdigit()) or len(number) > 9:
        return None
    return db.session.get(User, int(number))


def last_verification() -> AuditEvent | None:
    """Return the latest `audit.verified` event."""
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.AUDIT_VERIFIED.value)
        .order_by(AuditEvent.seq.desc()).limit(1)
    )


def chain_head() -> tuple[int, str | None]:
    """Return the number of events and the head hash."""
    head = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (head.seq, head.hash) if head else (0, None)


def recent_checkpoints(limit: int = 20) -> list[AuditCheckpoint]:
    return list(db.session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(limit)))


def erasures(now: datetime | None = None, limit: int = 200) -> dict[str, list]:
    """Return overdue erasures (due, or begun but unfinished), those due within 30 days, and
    every subject a legal hold keeps, with its hold (the sweep passes them by)."""
    now = now or utcnow()
    begun = Subject.erasing_since.is_not(None)
    overdue = select(Subject).where(
        or_(begun, (Subject.erase_after <= now) & ~held())
    ).order_by(Subject.erase_after).limit(limit)
    upcoming = select(Subject).where(
        Subject.erase_after > now, Subject.erase_after <= now + timedelta(days=UPCOMING_DAYS),
        Subject.erasing_since.is_(None), ~held(),
    ).order_by(Subject.erase_after).limit(limit)
    kept = select(Subject, LegalHold).join(LegalHold, LegalHold.subject_id == Subject.id).where(
        LegalHold.released_at.is_(None), Subject.erasing_since.is_(None),
    ).order_by(Subject.erase_after, Subject.id).limit(limit)
    return {"overdue": list(db.session.scalars(overdue)),
            "upcoming": list(db.session.scalars(upcoming)),
            "held": [tuple(row) for row in db.session.execute(kept)]}
