"""Operations on candidates and their case: adding, editing, deciding."""

from datetime import datetime

from sqlalchemy import select

from compliance import audit, consent, policy, retention
from compliance.accounts import User
from compliance.audit import AuditAction
from compliance.db import db, utcnow
from compliance.organisation import get_settings
from compliance.subjects import create_subject, set_email
from screening.findings import comment_window_open, window_closes_at
from screening.lifecycle import (
    Action,
    CaseError,
    CaseRecord,
    CaseState,
    check,
    move,
    open_record,
)
from screening.models import Candidate, Decision, Vacancy, VacancyStatus

NEEDS_ATTENTION = {CaseState.ADDED, CaseState.SCREENED, CaseState.CONSENTED}


def add_candidate(vacancy: Vacancy, values: dict, *, actor: User) -> Candidate:
    """Add a candidate to an open vacancy, under a new data subject."""
    if vacancy.status != VacancyStatus.OPEN:
        raise CaseError("closed")
    record = open_record(vacancy.id)
    candidate = Candidate(id=record.id, vacancy=vacancy, subject=create_subject(),
                          name=values["name"].strip(),
                          email=values["email"].strip(), language=values["language"])
    db.session.add(candidate)
    set_email(candidate.subject, candidate.email)
    retention.after_added(candidate.subject, utcnow())
    db.session.flush()
    audit.record(AuditAction.CANDIDATE_CREATED, actor=actor, subject=candidate.subject,
                 objects={"candidate": candidate.id, "vacancy": vacancy.id})
    return candidate


def update_candidate(candidate: Candidate, values: dict, *, actor: User) -> Candidate:
    """Correct a candidate's details; the audit names the fields, never their values."""
    changed = [k for k in ("name", "email", "language") if getattr(candidate, k) != values[k]]
    for key in changed:
        setattr(candidate, key, values[key])
    if "email" in changed:
        set_email(candidate.subject, candidate.email)
    if changed:
        audit.record(AuditAction.CANDIDATE_UPDATED, actor=actor, subject=candidate.subject,
                     objects={"candidate": candidate.id}, fields=changed)
    return candidate


class ReasonsRequired(CaseError):
    """A rejection must say why: the candidate reads it in their explanation (Art. 22(3))."""

    def __init__(self) -> None:
        super().__init__("reasons", max_chars=policy.DECISION_REASONS_MAX_CHARS)


def decide(candidate: Candidate, decision: Decision, *, actor: User,
           reasons: str | None = None) -> Candidate:
    """Record the decision and its reasons (required for a rejection); a rejection waits for
    the comment window; the decision starts retention."""
    to = check(candidate, Action.DECIDE)
    reasons = (reasons or "").strip() or None
    if decision == Decision.REJECTED and (
            reasons is None or len(reasons) > policy.DECISION_REASONS_MAX_CHARS):
        raise ReasonsRequired()
    if decision == Decision.REJECTED and comment_window_open(candidate):
        raise CaseError("comment_window", closes=window_closes_at(candidate))
    candidate.decision, candidate.decision_reasons = decision, reasons
    candidate.decided_at = utcnow()
    move(candidate, to, actor=actor, reason=Action.DECIDE)
    pool = consent.talent_pool_since(candidate.subject)
    if pool is not None:  # a separate talent-pool consent keeps the data for the preset's term
        retention.after_talent_pool_consent(candidate.subject, pool,
                                            get_settings().preset.talent_pool_days)
    else:
        retention.after_decision(candidate.subject, candidate.decided_at,
                                 candidate.vacancy.retention_days)
    audit.record(AuditAction.CANDIDATE_DECIDED, actor=actor, subject=candidate.subject,
                 objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id},
                 decision=decision.value, reasons_given=reasons is not None)
    return candidate


def erase_after(candidate: Candidate) -> datetime | None:
    """Return when the candidate's data is due for erasure."""
    return candidate.subject.erase_after


def ended_cases(vacancy_ids: list[int], *, since: datetime | None = None) -> list[CaseRecord]:
    """Return the records of cases whose data is gone, newest first, for the tombstone lines."""
    if not vacancy_ids:
        return []
    query = select(CaseRecord).where(CaseRecord.vacancy_id.in_(vacancy_ids),
                                     CaseRecord.id.not_in(select(Candidate.id)))
    if since is not None:
        query = query.where(CaseRecord.moved_at >= since)
    return list(db.session.scalars(query.order_by(CaseRecord.moved_at.desc())))
