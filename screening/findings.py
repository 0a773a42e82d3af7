"""Findings and the candidate's hearing: context per finding, and the comment window."""

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit, reads, rights
from compliance.accounts import Role
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, utcnow
from compliance.personal import PersonalText
from compliance.subjects import Subject
from screening.lifecycle import Action, CaseError, CaseState, allowed
from screening.models import Candidate


class Finding(db.Model):
    """A post that bears on the job: the redacted excerpt and its matches, never the post."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("screening_run.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"),
                                              index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"))
    source_kind: Mapped[str] = mapped_column(String(24))
    account: Mapped[str] = mapped_column(PersonalText)
    url: Mapped[str] = mapped_column(PersonalText)
    published: Mapped[datetime] = mapped_column(UTCDateTime)
    excerpt: Mapped[str] = mapped_column(PersonalText)
    matched: Mapped[list[str]] = mapped_column(JSON)
    context: Mapped[str | None] = mapped_column(PersonalText)
    context_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subject: Mapped[Subject] = relationship()


def findings_of(candidate: Candidate) -> list[Finding]:
    return list(db.session.scalars(select(Finding).where(Finding.candidate_id == candidate.id)
                                   .order_by(Finding.source_kind, Finding.published.desc())))


def window_closes_at(candidate: Candidate) -> datetime | None:
    """Return when the candidate's comment window closes; None if it never opened or is waived.

    Adding context to one finding does not close it: the candidate may comment on each.
    """
    if candidate.notified_at is None or candidate.comment_waived_at is not None:
        return None
    return candidate.notified_at + timedelta(days=candidate.vacancy.comment_window_days)


def comment_window_open(candidate: Candidate) -> bool:
    """Tell whether a rejection must still wait for the candidate's hearing."""
    closes = window_closes_at(candidate)
    return closes is not None and utcnow() < closes


def context_heard(candidate: Candidate) -> bool:
    """Tell whether the candidate's context can still count: while a decision can be taken
    (not after it, nor while a new screening replaces the findings)."""
    return allowed(candidate, Action.DECIDE)


def _still_heard(candidate: Candidate) -> None:
    if not context_heard(candidate):
        raise CaseError("decided")


def add_context(candidate: Candidate, finding: Finding, text: str) -> None:
    """Keep the candidate's context beside a finding, for the recruiter to read."""
    if finding.candidate_id != candidate.id:
        raise LookupError("finding of another candidate")
    _still_heard(candidate)
    finding.context, finding.context_at = text, utcnow()
    audit.record(AuditAction.CONTEXT_ADDED, actor="candidate", subject=candidate.subject,
                 objects={"candidate": candidate.id, "finding": finding.id})


def waive_comment_window(candidate: Candidate) -> None:
    """The candidate says they are done: a rejection need not wait any longer."""
    _still_heard(candidate)
    candidate.comment_waived_at = utcnow()
    audit.record(AuditAction.COMMENT_WINDOW_WAIVED, actor="candidate", subject=candidate.subject,
                 objects={"candidate": candidate.id})


class FindingsRefused(PermissionError):
    """The actor may not read this candidate's findings."""


def reading_basis(candidate: Candidate, actor) -> str | None:
    """Name why `actor` may read the findings: the candidate's own, the recruiter's role, the
    operator's commands, or for legal counsel an open rights request or a legal hold; None if
    nothing allows it."""
    if actor == "candidate":
        return "own_data"
    if actor == "system":  # the report commands, run by the operator to serve a request
        return "system"
    role = getattr(actor, "role", None)
    if role == Role.RECRUITER:
        # An ended case whose data a legal hold keeps is restricted: only counsel reads it.
        return "recruiter" if candidate.state != CaseState.ERASED else None
    if role == Role.LEGAL:
        return rights.counsel_basis(candidate.subject)
    return None


def read_findings(candidate: Candidate, *, actor) -> list[Finding]:
    """Read a candidate's findings: check who may, and audit the read, whoever asks."""
    basis = reading_basis(candidate, actor)
    if basis is None:
        raise FindingsRefused(candidate.id)
    items = findings_of(candidate)
    reads.note(actor, candidate.subject, {"candidate": candidate.id,
                                          "run": _latest_run_id(candidate)},
               action=AuditAction.FINDINGS_VIEWED, shown=len(items), basis=basis)
    return items


def _latest_run_id(candidate: Candidate) -> int | None:
    # The run model imports this module; its table is reached through the metadata.
    runs = db.metadata.tables["screening_run"]
    return db.session.scalar(select(runs.c.id).where(runs.c.candidate_id == candidate.id)
                             .order_by(runs.c.id.desc()).limit(1))
