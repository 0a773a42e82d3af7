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

from compliance import audit, erasure, reads, retention
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.personal import PersonalText
from compliance.subjects import LegalHold, RetentionReason, Subject, active_hold

DUE_AFTER = timedelta(days=30)  # Art. 12(3): one month, extendable by two with notice
EXTENSION_MONTHS = (1, 2)  # Art. 12(3): "by two further months where necessary"
MONTH = timedelta(days=30)
REASONS_MAX_CHARS = 2000  # bounded like every other text a person writes (compliance/policy.py)
ENDING = "fairscreen.rights_ending"
TELLING = "fairscreen.rights_telling"
CASE_VIEW = "fairscreen.rights_case_view"


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


class Step(enum.StrEnum):
    """What counsel can do to a request."""

    EXTEND = "extend"
    RESOLVE = "resolve"
    REFUSE = "refuse"
    HOLD = "hold"  # a legal hold placed on its subject makes an erasing request wait


# The life of a request as a table: (status, step) -> new status; what is missing cannot happen.
STEPS = {
    (RequestStatus.OPEN, Step.EXTEND): RequestStatus.OPEN,
    (RequestStatus.ON_HOLD, Step.EXTEND): RequestStatus.ON_HOLD,
    (RequestStatus.OPEN, Step.RESOLVE): RequestStatus.DONE,
    (RequestStatus.ON_HOLD, Step.RESOLVE): RequestStatus.DONE,
    (RequestStatus.OPEN, Step.REFUSE): RequestStatus.REFUSED,
    (RequestStatus.ON_HOLD, Step.REFUSE): RequestStatus.REFUSED,
    (RequestStatus.OPEN, Step.HOLD): RequestStatus.ON_HOLD,
}


class RightsError(ValueError):
    """A step the request's status or the law does not allow; `code` says which rule."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Telling(enum.StrEnum):
    """What the candidate must be told about their request, with counsel's reasons."""

    EXTENDED = "extended"  # Art. 12(3): within the first month, with the reasons
    REFUSED = "refused"  # Art. 12(4): the reasons and the right to complain to the regulator


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
    resolution: Mapped[str | None] = mapped_column(Text)  # a word, never counsel's text
    # What the data subject wrote with the request (an objection's grounds, Art. 21(1)):
    # personal data, so encrypted with the subject's key, never in the audit log.
    details: Mapped[str | None] = mapped_column(PersonalText)
    # Counsel's reasons, sent to the candidate: about the person's case, so sealed the same way.
    reasons: Mapped[str | None] = mapped_column(PersonalText)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_reasons: Mapped[str | None] = mapped_column(PersonalText)

    subject: Mapped[Subject] = relationship()

    @property
    def overdue(self) -> bool:
        return self.resolved_at is None and self.due_at < utcnow()

    @property
    def first_due(self) -> datetime:
        """The one month of Art. 12(3), within which an extension must be told."""
        return self.received_at + DUE_AFTER

    def allows(self, step: Step, now: datetime | None = None) -> bool:
        if (self.status, step) not in STEPS:
            return False
        if step == Step.EXTEND:
            return self.extended_at is None and (now or utcnow()) <= self.first_due
        return True


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


def provide_telling(app, tell: Callable[["RightsRequest", Telling], bool]) -> None:
    """Let the product write the candidate about their request, in its own mail.

    `tell(request, telling)` writes the mail (sent after the commit) and returns False when the
    subject has nobody to write to.
    """
    app.extensions[TELLING] = tell


def provide_case_view(app, describe: Callable[[list[Subject]], dict[int, str]]) -> None:
    """Let the product name the vacancy of each subject's case, for counsel's pages."""
    app.extensions[CASE_VIEW] = describe


def vacancies_of(subjects: list[Subject]) -> dict[int, str]:
    """Return the vacancy title of each subject's case, by subject id (none without a product)."""
    describe = current_app.extensions.get(CASE_VIEW)
    return describe(subjects) if describe is not None and subjects else {}


def _tell(request: "RightsRequest", telling: Telling) -> bool:
    tell = current_app.extensions.get(TELLING)
    return tell is not None and tell(request, telling)


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
            request.status = STEPS[(request.status, Step.HOLD)]
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
    """Return the subject's legal hold in force, or None."""
    return active_hold(subject.id)


def _reasons(text: str | None, *, required: bool = True) -> str | None:
    text = (text or "").strip()
    if required and not text:
        raise RightsError("reasons_missing")
    if len(text) > REASONS_MAX_CHARS:
        raise RightsError("reasons_too_long")
    return text or None


def _check(request: "RightsRequest", step: Step) -> None:
    if not request.allows(step):
        if step == Step.EXTEND and (request.status, step) in STEPS:
            raise RightsError("extended_already" if request.extended_at else "extension_late")
        raise RightsError("closed")


def _close(request: "RightsRequest", step: Step, *, actor, resolution: str,
           reasons: str | None) -> None:
    request.status = STEPS[(request.status, step)]
    request.resolution, request.reasons, request.resolved_at = resolution, reasons, utcnow()
    audit.record(AuditAction.RIGHTS_RESOLVED, actor=actor, subject=request.subject,
                 objects={"rights_request": request.id}, right=request.right.value,
                 resolution=resolution)


def resolve(request: RightsRequest, *, actor, release: bool = True, note: str) -> None:
    """Counsel answers a request: resolve it (a held erasure or objection is released and its
    case ends, erased after the commit), or, with `release=False`, refuse it with reasons.

    A release ends the case as the request would have without the hold: through the product's
    ending (the case moves to erased for the request's own reason), erased after the commit.
    """
    if not release:
        refuse(request, actor=actor, reasons=note)
        return
    _check(request, Step.RESOLVE)
    note = _reasons(note, required=request.right in ERASING)
    if request.status == RequestStatus.ON_HOLD and held(request.subject) is not None:
        release_hold(request.subject, actor=actor, reason=note)  # ends every held request
        return
    if request.right not in ERASING:
        _close(request, Step.RESOLVE, actor=actor, resolution="resolved", reasons=note)
        return
    _release(request, actor=actor, note=note)


def _release(request: RightsRequest, *, actor, note: str | None) -> None:
    _close(request, Step.RESOLVE, actor=actor, resolution="released", reasons=note)
    end = current_app.extensions.get(ENDING)
    if (end is None or not end(request, actor)) and request.subject.erasing_since is None:
        # erased by the next sweep
        retention.after_consent_ended(request.subject, erasure_reason(request.right))


def refuse(request: RightsRequest, *, actor, reasons: str) -> None:
    """Refuse a request with reasons; the candidate gets them and their right to complain to
    the supervisory authority (Art. 12(4)), after the commit."""
    _check(request, Step.REFUSE)
    reasons = _reasons(reasons)
    _close(request, Step.REFUSE, actor=actor, resolution="refused", reasons=reasons)
    _tell(request, Telling.REFUSED)


def extend(request: RightsRequest, *, actor, months: int, reasons: str) -> None:
    """Extend the deadline by one or two months, once, within the first month, and tell the
    candidate why (Art. 12(3))."""
    _check(request, Step.EXTEND)
    if months not in EXTENSION_MONTHS:
        raise RightsError("months")
    reasons = _reasons(reasons)
    request.extended_at, request.extension_reasons = utcnow(), reasons
    request.due_at = request.first_due + months * MONTH
    audit.record(AuditAction.RIGHTS_EXTENDED, actor=actor, subject=request.subject,
                 objects={"rights_request": request.id}, right=request.right.value,
                 months=months)
    _tell(request, Telling.EXTENDED)


def place_hold(subject: Subject, *, actor, reason: str) -> LegalHold:
    """Keep the subject's data despite erasure (Art. 17(3)): its waiting erasure requests and
    objections wait for counsel, and the retention sweep passes it by."""
    reason = _reasons(reason)
    if held(subject) is not None:
        raise RightsError("held_already")
    if subject.erasing_since is not None:
        raise RightsError("erasing")
    hold = LegalHold(subject=subject, reason=reason, created_by=actor.id)
    db.session.add(hold)
    db.session.flush()
    for request in pending(subject):
        if request.right in ERASING and request.allows(Step.HOLD):
            request.status = STEPS[(request.status, Step.HOLD)]
    audit.record(AuditAction.LEGAL_HOLD_PLACED, actor=actor, subject=subject,
                 objects={"legal_hold": hold.id})
    return hold


def release_hold(subject: Subject, *, actor, reason: str) -> LegalHold:
    """Release the subject's hold with a reason; the requests it held are carried out, and a
    date that passed under the hold (a retention date, or a case ended by a withdrawal, a
    decline or an expiry) falls to the next sweep."""
    reason = _reasons(reason)
    hold = held(subject)
    if hold is None:
        raise RightsError("not_held")
    hold.released_at, hold.released_by, hold.release_reason = utcnow(), actor.id, reason
    audit.record(AuditAction.LEGAL_HOLD_RELEASED, actor=actor, subject=subject,
                 objects={"legal_hold": hold.id})
    for request in pending(subject):
        if request.status == RequestStatus.ON_HOLD:
            _release(request, actor=actor, note=reason)
    return hold


def read_details(request: RightsRequest, *, actor) -> str | None:
    """Hand counsel what the candidate wrote with a request, to weigh it; audited as a read."""
    if request.details is None:
        return None
    reads.note(actor, request.subject, {"rights_request": request.id}, fields="details")
    return request.details


def holds_of(subjects: list[Subject]) -> dict[int, LegalHold]:
    """Return the holds in force of these subjects, by subject id."""
    ids = [s.id for s in subjects]
    if not ids:
        return {}
    return {hold.subject_id: hold for hold in db.session.scalars(select(LegalHold).where(
        LegalHold.subject_id.in_(ids), LegalHold.released_at.is_(None)))}


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
