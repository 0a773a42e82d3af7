"""The case's verbs beyond adding and deciding: consent, notices, hearing, rights."""

from datetime import timedelta

from flask_babel import force_locale, format_date

from compliance import audit, consent, outbox, retention, rights, tokens
from compliance.audit import AuditAction
from compliance.consent import SourceAnswer
from compliance.db import db, utcnow
from compliance.organisation import get_settings
from compliance.tokens import Purpose
from screening.candidates import CaseError
from screening.models import Candidate, CaseState
from screening.notices import consent_notice, public_url, render_email, talent_pool_notice

CONSENT_LIFETIME = timedelta(days=retention.CONSENT_ANSWER_DAYS)
PORTAL_LIFETIME = timedelta(days=400)  # outlives the longest retention (talent pool: 1 year)
ASKABLE = {CaseState.ADDED, CaseState.CONSENT_REQUESTED, CaseState.EXPIRED}


def scope(candidate: Candidate) -> dict:
    """Describe what a consent covers, without personal data."""
    return {"vacancy": candidate.vacancy_id, "candidate": candidate.id,
            "sources": sorted(candidate.vacancy.allowed_sources),
            "lookback_years": candidate.vacancy.lookback_years}


def request_consent(candidate: Candidate, *, actor) -> outbox.OutboxMessage:
    """Ask the candidate for consent by e-mail (sent when the caller commits)."""
    if candidate.state not in ASKABLE:
        raise CaseError("state")
    if candidate.vacancy.assessment is None:
        raise CaseError("assessment")
    settings = get_settings()
    if not (settings.controller_name and settings.dpo_contact):
        raise CaseError("settings")  # the notice must name the controller and the DPO
    tokens.revoke_all(candidate.subject, Purpose.CONSENT)
    consent_token = tokens.issue(candidate.subject, Purpose.CONSENT, CONSENT_LIFETIME)
    portal_token = tokens.issue(candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    now = utcnow()
    with force_locale(candidate.language):
        expires = format_date(now + CONSENT_LIFETIME, "long")
    title, body = render_email("consent_request", candidate, expires=expires,
                               consent_link=public_url(f"/consent/{consent_token}"),
                               portal_link=public_url(f"/portal/{portal_token}"),
                               withdraw_link=public_url(f"/portal/{portal_token}/withdraw"))
    candidate.state = CaseState.CONSENT_REQUESTED
    retention.after_consent_request(candidate.subject, now)
    audit.record(AuditAction.CONSENT_REQUESTED, actor=actor, subject=candidate.subject,
                 objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id},
                 sources=sorted(candidate.vacancy.allowed_sources), expires_days=14)
    return outbox.store(candidate.subject, kind="consent_request", recipient=candidate.email,
                        title=title, body=body, language=candidate.language)


def answer_consent(candidate: Candidate, answers: list[SourceAnswer], *, talent_pool: bool,
                   method: str = "consent-page") -> bool:
    """Record the candidate's answers; return whether any source was agreed to."""
    if candidate.state != CaseState.CONSENT_REQUESTED:
        raise CaseError("state")
    _sections, notice = consent_notice(candidate)
    consent.record_answers(candidate.subject, answers, notice=notice, scope=scope(candidate),
                           language=candidate.language, method=method)
    if talent_pool:
        consent.record_talent_pool(candidate.subject, notice=talent_pool_notice(candidate),
                                   scope=scope(candidate), language=candidate.language,
                                   method=method)
    tokens.revoke_all(candidate.subject, Purpose.CONSENT)
    agreed = any(a.given for a in answers)
    candidate.state = CaseState.CONSENTED if agreed else CaseState.DECLINED
    if agreed:  # the 14-day clock of the request stops; the undecided backstop runs instead
        retention.after_added(candidate.subject, utcnow())
    return agreed


def withdraw(candidate: Candidate, *, method: str) -> None:
    """Withdraw every consent: processing stops and the case is erased straight away."""
    _sections, notice = consent_notice(candidate)
    consent.withdraw(candidate.subject, notice=notice, scope=scope(candidate),
                     language=candidate.language, method=method)


def notify_screened(candidate: Candidate, run) -> outbox.OutboxMessage:
    """Tell the candidate what was collected, from where, and what they can do (Art. 14)."""
    from screening.runs import summarise

    accounts = [f"{k}: {a}" for k, (a, _g) in sorted(consent.current(candidate.subject).items())
                if k in run.progress]
    portal_token = tokens.issue(candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    title, body = render_email("screened_notice", candidate, accounts=accounts,
                               totals=summarise(run.counts),
                               portal_link=public_url(f"/portal/{portal_token}"),
                               withdraw_link=public_url(f"/portal/{portal_token}/withdraw"))
    candidate.notified_at = utcnow()
    message = outbox.store(candidate.subject, kind="screened_notice", recipient=candidate.email,
                           title=title, body=body, language=candidate.language)
    db.session.flush()
    return message


def add_context(candidate: Candidate, finding, text: str) -> None:
    """Keep the candidate's context beside a finding, for the recruiter to read."""
    finding.context, finding.context_at = text, utcnow()
    audit.record(AuditAction.CONTEXT_ADDED, actor="candidate", subject=candidate.subject,
                 objects={"candidate": candidate.id, "finding": finding.id})


def waive_comment_window(candidate: Candidate) -> None:
    candidate.comment_waived_at = utcnow()
    audit.record(AuditAction.COMMENT_WINDOW_WAIVED, actor="candidate", subject=candidate.subject,
                 objects={"candidate": candidate.id})


def request_right(candidate: Candidate, right: rights.Right) -> rights.RightsRequest:
    """Record a rights request; erasure and objection stop processing (erased after commit)."""
    return rights.request_right(candidate.subject, right, objects={"candidate": candidate.id})
