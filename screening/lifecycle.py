"""A case's life, as drawn in DESIGN.md: the states, the table of transitions, the one writer.

    added -> consent_requested -> consented -> screening -> screened -> decided -> erased
                               \\-> declined -------------------------------------> erased
                               \\-> expired (no answer in 14 days) ----------------> erased
    withdrawal, objection or an erasure request at any point: processing stops -> erased

`move` is the only code that assigns `Candidate.state`, and each move is one `case.moved`
audit event. Pages, the API and the CLI ask `allowed` instead of testing states themselves.
"""

import enum
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from compliance import audit
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow


class CaseState(enum.StrEnum):
    ADDED = "added"
    CONSENT_REQUESTED = "consent_requested"
    CONSENTED = "consented"
    DECLINED = "declined"
    EXPIRED = "expired"
    SCREENING = "screening"
    SCREENED = "screened"
    DECIDED = "decided"
    ERASED = "erased"


class Action(enum.StrEnum):
    """What can happen to a case; the table says where each leads from each state."""

    ASK_CONSENT = "ask_consent"
    AGREE = "agree"
    DECLINE = "decline"
    EXPIRE = "expire"
    SCREEN = "screen"
    FINISH_RUN = "finish_run"
    FAIL_RUN = "fail_run"  # a first run without result: back to waiting for one
    FAIL_RERUN = "fail_rerun"  # a later run without result: the earlier results stand
    DECIDE = "decide"
    ERASE = "erase"  # withdrawal, objection, erasure request, decline, expiry, retention


S = CaseState
_ALIVE = [S.ADDED, S.CONSENT_REQUESTED, S.CONSENTED, S.DECLINED, S.EXPIRED, S.SCREENING,
          S.SCREENED, S.DECIDED]

TRANSITIONS: dict[tuple[CaseState, Action], CaseState] = {
    (S.ADDED, Action.ASK_CONSENT): S.CONSENT_REQUESTED,
    (S.CONSENT_REQUESTED, Action.ASK_CONSENT): S.CONSENT_REQUESTED,  # sent again
    # Asked again only when the vacancy's criteria or sources changed since the agreement.
    (S.CONSENTED, Action.ASK_CONSENT): S.CONSENT_REQUESTED,
    (S.SCREENED, Action.ASK_CONSENT): S.CONSENT_REQUESTED,
    (S.CONSENT_REQUESTED, Action.AGREE): S.CONSENTED,
    (S.CONSENT_REQUESTED, Action.DECLINE): S.DECLINED,
    (S.CONSENT_REQUESTED, Action.EXPIRE): S.EXPIRED,
    (S.CONSENTED, Action.SCREEN): S.SCREENING,
    (S.SCREENED, Action.SCREEN): S.SCREENING,  # screened again before the decision
    (S.SCREENING, Action.FINISH_RUN): S.SCREENED,
    (S.SCREENING, Action.FAIL_RUN): S.CONSENTED,
    (S.SCREENING, Action.FAIL_RERUN): S.SCREENED,
    # A decision can follow a screening or end a case that never got that far.
    (S.ADDED, Action.DECIDE): S.DECIDED,
    (S.CONSENT_REQUESTED, Action.DECIDE): S.DECIDED,
    (S.CONSENTED, Action.DECIDE): S.DECIDED,
    (S.SCREENED, Action.DECIDE): S.DECIDED,
    **{(state, Action.ERASE): S.ERASED for state in _ALIVE},
}
del S


class CaseError(ValueError):
    """The case does not allow the operation; `code` names why, for each adapter's answer."""

    def __init__(self, code: str, **facts: Any) -> None:
        super().__init__(code)
        self.code, self.facts = code, facts


class IllegalTransition(CaseError):
    """The table has no such move from the case's state."""

    def __init__(self, state: CaseState, action: Action) -> None:
        super().__init__("state", state=state, action=action)
        self.state, self.action = state, action


class CaseRecord(db.Model):
    """A case's line that outlives its data: no personal data, never deleted.

    It issues the candidate's id (so no id is ever given twice, even after erasure) and keeps
    the last state and when it was reached, for the line recruiters see where a candidate was.
    """

    __tablename__ = "case_record"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True)
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState), default=CaseState.ADDED)
    why: Mapped[str | None] = mapped_column(String(24))  # a RetentionReason once ended
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def open_record(vacancy_id: int) -> CaseRecord:
    """Issue a new case's id, with its record."""
    record = CaseRecord(vacancy_id=vacancy_id, state=CaseState.ADDED)
    db.session.add(record)
    db.session.flush()
    return record


# Conditions on a row of the table, registered by the module that knows the facts.
GUARDS: dict[tuple[CaseState, Action], Callable[[Any], bool]] = {}


def guard(*rows: tuple[CaseState, Action]):
    """Declare a condition the case must meet for these rows of the table."""

    def register(condition: Callable[[Any], bool]) -> Callable[[Any], bool]:
        for row in rows:
            GUARDS[row] = condition
        return condition

    return register


def target(state: CaseState, action: Action) -> CaseState | None:
    """Return where `action` leads from `state`, or None where it is not allowed."""
    return TRANSITIONS.get((CaseState(state), Action(action)))


def allowed(candidate, action: Action) -> bool:
    """Tell whether the case may take `action` now: what every page, the API and the CLI ask."""
    row = (CaseState(candidate.state), Action(action))
    return row in TRANSITIONS and GUARDS.get(row, lambda _c: True)(candidate)


def check(candidate, action: Action) -> CaseState:
    """Return where `action` leads, or raise IllegalTransition."""
    if not allowed(candidate, action):
        raise IllegalTransition(candidate.state, action)
    return TRANSITIONS[(CaseState(candidate.state), Action(action))]


def move(candidate, to: CaseState, *, actor: Any, reason: Action,
         **details: Any) -> audit.AuditEvent:
    """Move the case along the table: the one writer of its state, one audit event per move
    (returned: its number names the event, for whatever must happen once per move)."""
    if check(candidate, reason) != to:
        raise IllegalTransition(candidate.state, reason)
    before = candidate.state
    candidate.state = to
    record = db.session.get(CaseRecord, candidate.id)
    if record is not None:
        record.state, record.moved_at = to, utcnow()
        record.why = details.get("why", record.why)
    return audit.record(AuditAction.CASE_MOVED, actor=actor, subject=candidate.subject,
                        objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id},
                        step=reason.value, **{"from": before.value, "to": to.value}, **details)
