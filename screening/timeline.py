"""A case's life in order, for the recruiter's candidate page.

Built only from what the case already keeps: the audit events of its subject (each step of the
case is one), the candidate's row (the comment window) and the subject's erasure date. Each
entry is a sentence in the reader's language and a moment; the page writes the moment as a
long date. Nothing is said that the page does not show already: counts and labels, no names,
no accounts, no words of the candidate.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from compliance import audit
from compliance.audit import AuditAction, AuditEvent
from compliance.db import db, utcnow
from compliance.subjects import RetentionReason
from screening.findings import window_closes_at
from screening.labels import decision_label, run_error_label, source_label
from screening.lifecycle import Action, CaseState
from screening.models import Candidate


@dataclass(frozen=True)
class Entry:
    """One step of the case: when, what, and whether it is still ahead."""

    at: datetime
    text: str
    kind: str  # a stable name for the step, for styling and tests; never shown
    ahead: bool = False


def _moved(event: AuditEvent, runs: dict) -> tuple[str, str] | None:
    """The moves that say something of their own; the others are told by their own event."""
    step, before = event.details.get("step"), event.details.get("from")
    if step == Action.ASK_CONSENT:
        if before == CaseState.ADDED:
            return "asked", _("Agreement asked: the candidate was sent the request by e-mail.")
        if before == CaseState.CONSENT_REQUESTED:
            return "asked", _("The request for agreement was sent again.")
        return "asked", _("A new agreement asked: the vacancy's criteria or sources changed.")
    if step == Action.AGREE:
        return "answered", _("The candidate agreed to the screening.")
    if step == Action.DECLINE:
        return "declined", _("The candidate declined the screening.")
    if step == Action.EXPIRE:
        return "expired", _("The request for agreement expired without an answer.")
    return None


def _number(event: AuditEvent, runs: dict) -> int:
    """Number the case's screenings 1, 2, ... in the order they began."""
    run = event.objects.get("run")
    return runs.setdefault(run, len(runs) + 1)


def _completed(event: AuditEvent, runs: dict) -> tuple[str, str]:
    details = event.details
    return "run-done", _("Screening %(number)s finished: %(looked)s posts looked at, %(shown)s "
                         "shown.", number=_number(event, runs), looked=details.get("looked_at", 0),
                         shown=details.get("shown", 0))


def _failed(event: AuditEvent, runs: dict) -> tuple[str, str]:
    return "run-failed", _("Screening %(number)s failed: %(reason)s.", number=_number(event, runs),
                           reason=run_error_label(event.details.get("error")))


# Each audit action that is a step of the case, and what it says.
SAYS: dict[str, Callable[[AuditEvent, dict], tuple[str, str] | None]] = {
    AuditAction.CANDIDATE_CREATED: lambda e, r: ("added", _("Added to the vacancy.")),
    AuditAction.CASE_MOVED: _moved,
    AuditAction.CONSENT_REMINDED: lambda e, r: (
        "reminded", _("The candidate was reminded of the request for agreement.")),
    AuditAction.SCREENING_QUEUED: lambda e, r: (
        "run-queued", _("Screening %(number)s queued.", number=_number(e, r))),
    AuditAction.EXPORT_UPLOADED: lambda e, r: (
        "run-queued", _("Screening %(number)s: the candidate uploaded their %(source)s.",
                        number=_number(e, r), source=source_label(e.details.get("source")))),
    AuditAction.SCREENING_COMPLETED: _completed,
    AuditAction.SCREENING_FAILED: _failed,
    AuditAction.SCREENING_STOPPED: lambda e, r: (
        "run-stopped", _("Screening %(number)s stopped: the candidate withdrew their agreement.",
                         number=_number(e, r))),
    AuditAction.CONTEXT_ADDED: lambda e, r: (
        "comment", _("The candidate added context to a finding.")),
    AuditAction.COMMENT_WINDOW_WAIVED: lambda e, r: (
        "comment-done", _("The candidate said they have nothing more to add.")),
    AuditAction.CANDIDATE_DECIDED: lambda e, r: (
        "decided", _("Decision recorded: %(decision)s.",
                     decision=decision_label(e.details.get("decision")))),
}


def case_timeline(candidate: Candidate, *, now: datetime | None = None) -> list[Entry]:
    """Tell the case's life in order: what happened, then what is still ahead."""
    now = now or utcnow()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.subject == audit.pseudonym(candidate.subject),
        AuditEvent.action.in_([a.value for a in SAYS])).order_by(AuditEvent.seq)).all()
    entries, runs = [], {}
    for event in events:
        said = SAYS[AuditAction(event.action)](event, runs)
        if said is not None:
            entries.append(Entry(event.at, said[1], said[0]))
    entries += _window(candidate, now) + _erasure(candidate, now)
    # Stable: the log's order stands among events of one instant.
    return sorted(entries, key=lambda e: e.at)


def _window(candidate: Candidate, now: datetime) -> list[Entry]:
    closes = window_closes_at(candidate)
    if closes is None:
        return []
    return [Entry(closes, _("End of the candidate's comment window."), "window", closes > now)]


def _erasure(candidate: Candidate, now: datetime) -> list[Entry]:
    subject = candidate.subject
    if subject.erase_after is None:
        return []
    reason = RetentionReason(subject.erase_reason) if subject.erase_reason else None
    if reason == RetentionReason.UNDECIDED:
        text = _("Erasure of the candidate's data, unless a decision is recorded first.")
    elif reason == RetentionReason.CONSENT_UNANSWERED:
        text = _("Erasure of the candidate's data, if the request for agreement stays "
                 "unanswered.")
    elif reason == RetentionReason.DECIDED:
        text = _("Erasure of the candidate's data, at the end of the retention period after "
                 "the decision.")
    elif reason == RetentionReason.TALENT_POOL:
        text = _("Erasure of the candidate's data, at the end of their talent-pool consent.")
    else:
        text = _("Erasure of the candidate's data.")
    return [Entry(subject.erase_after, text, "erasure", subject.erase_after > now)]
