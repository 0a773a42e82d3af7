"""What the legal pages show: audit log queries, chain status, retention overview (no Flask)."""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select

from compliance.audit import AuditAction, AuditEvent
from compliance.checkpoints import AuditCheckpoint
from compliance.db import db, utcnow
from compliance.subjects import Subject

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

    def query(self) -> Select:
        """Select the matching events, newest first."""
        query = select(AuditEvent)
        if self.since:
            query = query.where(AuditEvent.at >= datetime.combine(self.since, time(), UTC))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time(), UTC)
            query = query.where(AuditEvent.at < end)
        if self.action:
            query = query.where(AuditEvent.action == self.action.value)
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


def erasures(now: datetime | None = None, limit: int = 200) -> dict[str, list[Subject]]:
    """Return overdue erasures (due, or begun but unfinished) and those due within 30 days."""
    now = now or utcnow()
    overdue = select(Subject).where(
        or_(Subject.erase_after <= now, Subject.erasing_since.is_not(None))
    ).order_by(Subject.erase_after).limit(limit)
    upcoming = select(Subject).where(
        Subject.erase_after > now, Subject.erase_after <= now + timedelta(days=UPCOMING_DAYS),
        Subject.erasing_since.is_(None),
    ).order_by(Subject.erase_after).limit(limit)
    return {"overdue": list(db.session.scalars(overdue)),
            "upcoming": list(db.session.scalars(upcoming))}
