"""The case's verbs around the candidate: consent, notices, expiry, withdrawal, rights.

Each verb moves the case through `lifecycle.move` and owns its consequences: an ended case is
erased after the commit by the verb itself, so no page, API call, command or task can skip it.
"""

from datetime import datetime, timedelta

from flask_babel import force_locale, format_date
from sqlalchemy import select

from compliance import audit, consent, outbox, policy, retention, rights, tokens
from compliance.audit import AuditAction
from compliance.consent import SourceAnswer
from compliance.db import db, utcnow
from compliance.erasure import erase_subject
from compliance.oncommit import after_commit
from compliance.organisation import get_settings
from compliance.subjects import RetentionReason, Subject
from compliance.tokens import Purpose
from screening import staff_notices
from screening.lifecycle import Action, CaseError, CaseState, check, guard, move
from screening.models import Candidate
from screening.notices import MessageKind, consent_notice, mail, public_url, talent_pool_notice
from screening.tallies import summarise

CONSENT_LIFETIME = timedelta(days=policy.CONSENT_ANSWER_DAYS)
# The portal link outlives the longest retention any preset allows (a talent pool's term).
PORTAL_LIFETIME = timedelta(days=max(p.talent_pool_days for p in policy.PRESETS.values()) + 35)
# An unanswered request's data falls due this long after the request expires, so that the
# expiry task (every 15 minutes) moves the case to expired before the retention sweep, its
# backstop, erases it.
EXPIRY_GRACE = timedelta(hours=1)


def scope(candidate: Candidate) -> dict:
    """Describe what a consent covers, without personal data: the vacancy as it stands now."""
    return {"vacancy": candidate.vacancy_id, "candidate": candidate.id,
            "sources": sorted(candidate.vacancy.allowed_sources),
            "criteria": list(candidate.vacancy.criteria),
            "lookback_years": candidate.vacancy.lookback_years}


AGREED_TERMS = ("sources", "criteria", "lookback_years")


def agreed_scope(candidate: Candidate) -> dict | None:
    """Return the criteria, sources and lookback the candidate agreed to, as stored with the
    agreement; None if they never agreed. Agreements from before criteria were stored
    with it fall back to the vacancy's current criteria."""
    given = [r for r in consent.history(candidate.subject)
             if r.purpose == consent.ConsentPurpose.SCREENING
             and r.decision == consent.ConsentDecision.GIVEN]
    if not given:
        return None
    stored = given[-1].scope
    current = scope(candidate)
    return {term: stored.get(term, current[term]) for term in AGREED_TERMS}


@guard((CaseState.CONSENTED, Action.ASK_CONSENT), (CaseState.SCREENED, Action.ASK_CONSENT))
def needs_agreement(candidate: Candidate) -> bool:
    """Tell whether the vacancy's criteria or sources changed since the candidate agreed."""
    agreed = agreed_scope(candidate)
    if agreed is None:
        return False
    current = scope(candidate)
    return agreed != {term: current[term] for term in AGREED_TERMS}


def request_consent(candidate: Candidate, *, actor) -> outbox.OutboxMessage:
    """Ask the candidate for consent by e-mail; the message goes out after the commit."""
    to = check(candidate, Action.ASK_CONSENT)
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
    move(candidate, to, actor=actor, reason=Action.ASK_CONSENT)
    retention.schedule(candidate.subject, now + CONSENT_LIFETIME + EXPIRY_GRACE,
                       RetentionReason.CONSENT_UNANSWERED)
    audit.record(AuditAction.CONSENT_REQUESTED, actor=actor, subject=candidate.subject,
                 objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id},
                 sources=sorted(candidate.vacancy.allowed_sources),
                 expires_days=policy.CONSENT_ANSWER_DAYS)
    return mail(MessageKind.CONSENT_REQUEST, candidate, expires=expires,
                consent_link=public_url(f"/consent/{consent_token}"),
                portal_link=public_url(f"/portal/{portal_token}"),
                withdraw_link=public_url(f"/portal/{portal_token}/withdraw"))


def answer_consent(candidate: Candidate, answers: list[SourceAnswer], *, talent_pool: bool,
                   method: str = "consent-page") -> bool:
    """Record the candidate's answers; return whether any source was agreed to.

    Declining everything ends the case: it is erased once this is committed.
    """
    agreed = any(a.given for a in answers)
    action = Action.AGREE if agreed else Action.DECLINE
    to = check(candidate, action)
    _sections, notice = consent_notice(candidate)
    consent.record_answers(candidate.subject, answers, notice=notice, scope=scope(candidate),
                           language=candidate.language, method=method)
    if talent_pool and agreed:
        consent.record_talent_pool(candidate.subject, notice=talent_pool_notice(candidate),
                                   scope=scope(candidate), language=candidate.language,
                                   method=method)
    tokens.revoke_all(candidate.subject, Purpose.CONSENT)
    moved = move(candidate, to, actor="candidate", reason=action)
    # Before the case ends: a candidate who declines is erased once this commits.
    staff_notices.candidate_answered(candidate, agreed=agreed, event_seq=moved.seq)
    if agreed:  # the 14-day clock of the request stops; the undecided backstop runs instead
        retention.after_added(candidate.subject, utcnow())
    else:
        end_case(candidate, actor="candidate", why=RetentionReason.CONSENT_DECLINED)
    return agreed


def withdraw(candidate: Candidate, *, method: str) -> bool:
    """Withdraw every consent: processing stops and the case is erased after the commit (or,
    under a legal hold, when it is released: True then)."""
    check(candidate, Action.ERASE)
    _sections, notice = consent_notice(candidate)
    consent.withdraw(candidate.subject, notice=notice, scope=scope(candidate),
                     language=candidate.language, method=method)
    return end_case(candidate, actor="candidate", why=RetentionReason.CONSENT_WITHDRAWN)


def request_right(candidate: Candidate, right: rights.Right,
                  details: str | None = None) -> rights.RightsRequest:
    """Record a rights request (with the candidate's own words, such as an objection's
    grounds); erasure and objection end the case unless counsel holds it."""
    if right in rights.ERASING:
        check(candidate, Action.ERASE)
    request = rights.request_right(candidate.subject, right, objects={"candidate": candidate.id},
                                   details=details)
    if right in rights.ERASING and request.status != rights.RequestStatus.ON_HOLD:
        end_case(candidate, actor="candidate", why=rights.erasure_reason(right),
                 rights_request=request)
    return request


def end_released(request: rights.RightsRequest, actor) -> bool:
    """End the case of a request legal counsel released from its hold, as the request itself
    would have: erased for the request's reason, after the commit. False: no case to end."""
    candidate = db.session.scalar(select(Candidate).where(
        Candidate.subject_id == request.subject_id))
    if candidate is None or candidate.state == CaseState.ERASED:
        return False  # no case, or one already ending: compliance erases the subject itself
    end_case(candidate, actor=actor, why=rights.erasure_reason(request.right),
             rights_request=request)
    return True


def expire_unanswered(*, now: datetime | None = None, actor="system") -> int:
    """Expire the consent requests left unanswered for 14 days; their cases are erased."""
    now = (now or utcnow()) + EXPIRY_GRACE
    due = db.session.scalars(
        select(Candidate).join(Subject, Candidate.subject_id == Subject.id).where(
            Candidate.state == CaseState.CONSENT_REQUESTED, Subject.erasing_since.is_(None),
            Subject.erase_after <= now,
            Subject.erase_reason == RetentionReason.CONSENT_UNANSWERED)
        .order_by(Candidate.id)).all()
    for candidate in due:
        move(candidate, CaseState.EXPIRED, actor=actor, reason=Action.EXPIRE)
        audit.record(AuditAction.CONSENT_EXPIRED, actor=actor, subject=candidate.subject,
                     objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id})
        end_case(candidate, actor=actor, why=RetentionReason.CONSENT_UNANSWERED)
    return len(due)


def end_case(candidate: Candidate, *, actor, why: RetentionReason,
             rights_request: rights.RightsRequest | None = None) -> bool:
    """Stop processing: move the case to erased, and erase its subject after the commit.

    Under a legal hold (Art. 17(3)) the data is kept, restricted: the case is ended, so nothing
    more is done with it, and its date is past, so the erasure follows the hold's release (as
    for a held erasure request). Return whether the hold keeps it.
    """
    kept = rights.held(candidate.subject) is not None
    move(candidate, CaseState.ERASED, actor=actor, reason=Action.ERASE, why=why.value,
         **({"erasure": "held"} if kept else {}))
    if candidate.subject.erasing_since is None:
        retention.after_consent_ended(candidate.subject, why)  # the sweep's backstop
    if kept:
        return True
    subject_id, label = candidate.subject_id, audit.actor_label(actor)
    request_id = rights_request.id if rights_request is not None else None

    def erase() -> None:
        subject = db.session.get(Subject, subject_id)
        if subject is None:
            return  # a sweep was quicker
        request = db.session.get(rights.RightsRequest, request_id) if request_id else None
        if request is not None:
            rights.execute_erasure(subject, request)
        else:
            erase_subject(subject, actor=label, reason=why)

    after_commit(erase)
    return False


def notify_screened(candidate: Candidate, run, missing: list[str]) -> outbox.OutboxMessage:
    """Tell the candidate what was collected, from where, and what they can do (Art. 14)."""
    accounts = [(k, a) for k, (a, _g) in sorted(consent.current(candidate.subject).items())
                if k in run.progress and k not in missing]
    portal_token = tokens.issue(candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    candidate.notified_at = utcnow()
    return mail(MessageKind.SCREENED_NOTICE, candidate, accounts=accounts, missing=missing,
                totals=summarise(run.counts), portal_link=public_url(f"/portal/{portal_token}"),
                withdraw_link=public_url(f"/portal/{portal_token}/withdraw"))


def ask_to_correct(candidate: Candidate, run, failed: list[str]) -> outbox.OutboxMessage:
    """No source could be read: ask the candidate to correct their accounts in the portal."""
    portal_token = tokens.issue(candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    return mail(MessageKind.CORRECT_ACCOUNTS, candidate, failed=failed,
                portal_link=public_url(f"/portal/{portal_token}"),
                withdraw_link=public_url(f"/portal/{portal_token}/withdraw"))


def correct_accounts(candidate: Candidate, answers: list[SourceAnswer]) -> None:
    """Replace accounts the candidate had agreed to (after a failed run); agreement stands."""
    check(candidate, Action.SCREEN)  # only a case that can still be screened
    current = consent.current(candidate.subject)
    if not answers or any(a.kind not in current or not a.given for a in answers):
        raise CaseError("not_agreed")
    _sections, notice = consent_notice(candidate)
    # A correction changes the account, not the terms: the agreed scope is kept as it was.
    kept = {**scope(candidate), **(agreed_scope(candidate) or {})}
    consent.record_answers(candidate.subject, answers, notice=notice, scope=kept,
                           language=candidate.language, method="portal-correction")
