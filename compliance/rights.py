"""Rights requests (Art. 15-21): tracked to their one-month due date, erasure executed at once.

An erasure request or an objection stops processing and erases the subject straight away,
unless legal counsel has put the subject on hold with a reason; then it waits, with its due
date, on the legal page until counsel resolves it.
"""

import enum
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ForeignKey, Integer, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit, erasure, retention
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.personal import PersonalText
from compliance.subjects import RetentionReason, Subject

DUE_AFTER = timedelta(days=30)  # Art. 12(3): one month, extendable by two with notice
ENDING = "fairscreen.rights_ending"


class Right(enum.StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    OBJECTION = "objection"
    PORTABILITY = "portability"


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    ON_HOLD = "on_hold"
    DONE = "done"
    REFUSED = "refused"


class RightsRequest(db.Model):
    __tablename__ = "rights_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)
    right: Mapped[Right] = mapped_column(str_enum(Right))
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    # What the data subject wrote with the request (an objection's grounds, Art. 21(1)):
    # personal data, so encrypted with the subject's key, never in the audit log.
    details: Mapped[str | None] = mapped_column(PersonalText)

    subject: Mapped[Subject] = relationship()

    @property
    def overdue(self) -> bool:
        return self.resolved_at is None and self.due_at < utcnow()


class LegalHold(db.Model):
    """Counsel's reason to keep a subject's data despite an erasure request (Art. 17(3))."""

    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            unique=True)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


ERASING = (Right.ERASURE, Right.OBJECTION)


def erasure_reason(right: Right) -> RetentionReason:
    """Name why a request erases its subject: the reason its tombstone and audit carry."""
    if right == Right.ERASURE:
        return RetentionReason.ERASURE_REQUESTED
    if right == Right.OBJECTION:
        return RetentionReason.OBJECTION
    raise ValueError(f"a request for {right.value} erases nothing")


def provide_ending(app, end: Callable[["RightsRequest", Any], bool]) -> None:
    """Let the product end its case when counsel releases a request (compliance cannot look).

    `end(request, actor)` ends the subject's case the way every other erasure does, erasing
    after the commit, and returns False when the subject has no case to end.
    """
    app.extensions[ENDING] = end


def request_right(subject: Subject, right: Right, *, objects: dict,
                  details: str | None = None) -> RightsRequest:
    """Record a request, with what the subject wrote (kept encrypted, audited only as given);
    an access or portability request is served at once by the portal."""
    now = utcnow()
    details = (details or "").strip() or None
    served = right in (Right.ACCESS, Right.PORTABILITY)
    request = RightsRequest(subject=subject, right=right, received_at=now, due_at=now + DUE_AFTER,
                            status=RequestStatus.DONE if served else RequestStatus.OPEN,
                            resolved_at=now if served else None,
                            resolution="served in the portal" if served else None,
                            details=details)
    db.session.add(request)
    db.session.flush()
    audit.record(AuditAction.RIGHTS_REQUESTED, actor="candidate", subject=subject,
                 objects={**objects, "rights_request": request.id}, right=right.value,
                 details_given=details is not None)
    if right in ERASING:
        if held(subject):
            request.status = RequestStatus.ON_HOLD
        else:
            retention.after_consent_ended(subject, erasure_reason(right))
    return request


def execute_erasure(subject: Subject, request: RightsRequest) -> None:
    """Erase the subject for its request; the request goes with it, the audit events stay."""
    audit.record(AuditAction.RIGHTS_RESOLVED, actor="system", subject=subject,
                 objects={"rights_request": request.id}, right=request.right.value,
                 resolution="erased")
    erasure.erase_subject(subject, actor="system", reason=erasure_reason(request.right))


def counsel_basis(subject: Subject) -> str | None:
    """Name what lets legal counsel read a subject's findings: an open rights request or a
    legal hold; None means counsel reads counts and dates only (DESIGN.md, who uses it)."""
    open_request = db.session.scalar(select(RightsRequest.id).where(
        RightsRequest.subject_id == subject.id,
        RightsRequest.status.in_([RequestStatus.OPEN, RequestStatus.ON_HOLD])).limit(1))
    if open_request is not None:
        return "rights_request"
    return "legal_hold" if held(subject) is not None else None


def held(subject: Subject) -> LegalHold | None:
    return db.session.scalar(select(LegalHold).where(LegalHold.subject_id == subject.id))


def resolve(request: RightsRequest, *, actor, release: bool, note: str) -> None:
    """Counsel resolves a held request: release (erase now) or refuse, with a note.

    A release ends the case as the request would have without the hold: through the product's
    ending (the case moves to erased for the request's own reason), erased after the commit.
    """
    if release:
        reason = erasure_reason(request.right)
        hold = held(request.subject)
        if hold is not None:
            db.session.delete(hold)
        request.status, request.resolution = RequestStatus.DONE, note
        audit.record(AuditAction.RIGHTS_RESOLVED, actor=actor, subject=request.subject,
                     objects={"rights_request": request.id}, right=request.right.value,
                     resolution="released")
        end = current_app.extensions.get(ENDING)
        if (end is None or not end(request, actor)) and request.subject.erasing_since is None:
            retention.after_consent_ended(request.subject, reason)  # erased by the next sweep
    else:
        request.status, request.resolution = RequestStatus.REFUSED, note
        audit.record(AuditAction.RIGHTS_RESOLVED, actor=actor, subject=request.subject,
                     objects={"rights_request": request.id}, right=request.right.value,
                     resolution="refused")
    request.resolved_at = utcnow()


def place_hold(subject: Subject, *, actor, reason: str) -> LegalHold:
    hold = LegalHold(subject_id=subject.id, reason=reason, created_by=actor.id)
    db.session.add(hold)
    db.session.flush()
    audit.record(AuditAction.RIGHTS_RESOLVED, actor=actor, subject=subject,
                 objects={"legal_hold": hold.id}, resolution="hold_placed")
    return hold


def open_requests() -> list[RightsRequest]:
    """Return the requests still waiting, the earliest due first."""
    return list(db.session.scalars(select(RightsRequest).where(
        RightsRequest.status.in_([RequestStatus.OPEN, RequestStatus.ON_HOLD]))
        .order_by(RightsRequest.due_at)))


def pending(subject: Subject) -> list[RightsRequest]:
    """Return the subject's own requests still waiting for an answer, the earliest due first."""
    return list(db.session.scalars(select(RightsRequest).where(
        RightsRequest.subject_id == subject.id,
        RightsRequest.status.in_([RequestStatus.OPEN, RequestStatus.ON_HOLD]))
        .order_by(RightsRequest.due_at)))


def recent_resolved(limit: int = 50) -> list[RightsRequest]:
    return list(db.session.scalars(select(RightsRequest).where(
        RightsRequest.resolved_at.is_not(None)).order_by(RightsRequest.resolved_at.desc())
        .limit(limit)))
