"""Expiry and renewal: reminders before an agreement request expires, the talent pool's yearly
renewal, and the periodic task that runs them with the expiry of unanswered requests.

Each sweep takes the audit chain's lock before it looks for what is due, so that two consumers
(the task and `flask case expire`) run one after the other and every e-mail goes out once.
"""

from datetime import datetime, timedelta

from flask_babel import force_locale, format_date
from huey import crontab
from sqlalchemy import select

from compliance import audit, consent, outbox, policy, retention, tokens
from compliance.audit import AuditAction
from compliance.db import db, utcnow
from compliance.organisation import get_settings
from compliance.queue import periodic
from compliance.subjects import RetentionReason, Subject
from compliance.tokens import Purpose
from screening.case import (
    CONSENT_LIFETIME,
    EXPIRY_GRACE,
    PORTAL_LIFETIME,
    end_case,
    expire_unanswered,
    scope,
)
from screening.lifecycle import CaseState
from screening.models import Candidate
from screening.notices import MessageKind, mail, public_url, talent_pool_notice

# The numbers and the rules they come from are in compliance/policy.py.
REMINDER_BEFORE = timedelta(days=policy.CONSENT_REMINDER_BEFORE_DAYS)
RENEWAL_BEFORE = timedelta(days=policy.TALENT_POOL_RENEWAL_BEFORE_DAYS)

REMINDER_KIND = MessageKind.CONSENT_REMINDER
RENEWAL_KIND = MessageKind.TALENT_POOL_RENEWAL


def remind_unanswered(*, now: datetime | None = None, actor="system") -> int:
    """Remind, once per request, the candidates whose agreement request expires in 3 days."""
    now = now or utcnow()
    audit.lock_chain()  # a second consumer waits here, then sees the reminders already sent
    due = db.session.scalars(
        select(Candidate).join(Subject, Candidate.subject_id == Subject.id).where(
            Candidate.state == CaseState.CONSENT_REQUESTED, Subject.erasing_since.is_(None),
            Subject.erase_reason == RetentionReason.CONSENT_UNANSWERED,
            Subject.erase_after <= now + REMINDER_BEFORE + EXPIRY_GRACE,
            Subject.erase_after > now + EXPIRY_GRACE)
        .order_by(Candidate.id)).all()
    count = 0
    for candidate in due:
        expires = candidate.subject.erase_after - EXPIRY_GRACE
        if _sent_since(candidate.subject, REMINDER_KIND, expires - CONSENT_LIFETIME):
            continue
        # Only the link's hash is kept: a new link, which lapses with the request.
        link = tokens.issue(candidate.subject, Purpose.CONSENT, expires - now)
        mail(REMINDER_KIND, candidate, expires=_long_date(candidate, expires),
             consent_link=public_url(f"/consent/{link}"))
        audit.record(AuditAction.CONSENT_REMINDED, actor=actor, subject=candidate.subject,
                     objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id},
                     expires=expires.isoformat())
        count += 1
    return count


def ask_talent_pool_renewal(*, now: datetime | None = None, actor="system") -> int:
    """Ask, once per year of consent, the talent-pool candidates whose year ends in 30 days."""
    now = now or utcnow()
    audit.lock_chain()
    count = 0
    for candidate in _in_pool(now + RENEWAL_BEFORE):
        since = consent.talent_pool_since(candidate.subject)
        if since is None or _sent_since(candidate.subject, RENEWAL_KIND, since):
            continue
        ends = candidate.subject.erase_after
        # A portal link, as every portal link, outlives the year a renewal adds.
        link = tokens.issue(candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
        mail(RENEWAL_KIND, candidate, ends=_long_date(candidate, ends),
             renew_link=public_url(f"/portal/{link}/talent-pool"))
        audit.record(AuditAction.TALENT_POOL_RENEWAL_ASKED, actor=actor,
                     subject=candidate.subject,
                     objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id},
                     ends=ends.isoformat())
        count += 1
    return count


def _long_date(candidate: Candidate, moment: datetime) -> str:
    """A date as the candidate reads it, in their language."""
    with force_locale(candidate.language):
        return format_date(moment, "long")


def renew_talent_pool(candidate: Candidate, *, renew: bool, method: str = "portal") -> None:
    """Record the candidate's answer: renewing keeps the data a year from now; declining ends
    the case, which is erased after the commit."""
    if not in_talent_pool(candidate):
        raise LookupError("not in the talent pool")
    consent.record_talent_pool(candidate.subject, notice=talent_pool_notice(candidate),
                               scope=scope(candidate), language=candidate.language,
                               method=method, given=renew)
    if renew:
        retention.after_talent_pool_consent(candidate.subject, utcnow(),
                                            get_settings().preset.talent_pool_days)
    else:
        end_case(candidate, actor="candidate", why=RetentionReason.CONSENT_DECLINED)


def in_talent_pool(candidate: Candidate) -> bool:
    """Tell whether the case is kept for the talent pool: decided, with a standing consent."""
    return (candidate.state == CaseState.DECIDED
            and consent.talent_pool_since(candidate.subject) is not None)


def lapse_talent_pool(*, now: datetime | None = None, actor="system") -> int:
    """End the talent-pool cases whose year ran out unrenewed; they are erased after commit."""
    due = _in_pool((now or utcnow()) + EXPIRY_GRACE)
    for candidate in due:
        audit.record(AuditAction.CONSENT_EXPIRED, actor=actor, subject=candidate.subject,
                     objects={"candidate": candidate.id, "vacancy": candidate.vacancy_id},
                     purpose=consent.ConsentPurpose.TALENT_POOL.value)
        end_case(candidate, actor=actor, why=RetentionReason.TALENT_POOL)
    return len(due)


def _in_pool(until: datetime) -> list[Candidate]:
    """The decided cases kept for the talent pool whose year ends by `until`."""
    return list(db.session.scalars(
        select(Candidate).join(Subject, Candidate.subject_id == Subject.id).where(
            Candidate.state == CaseState.DECIDED, Subject.erasing_since.is_(None),
            Subject.erase_reason == RetentionReason.TALENT_POOL, Subject.erase_after <= until)
        .order_by(Candidate.id)))


def _sent_since(subject: Subject, kind: MessageKind, since: datetime) -> bool:
    return db.session.scalar(select(outbox.OutboxMessage.id).where(
        outbox.OutboxMessage.subject_id == subject.id, outbox.OutboxMessage.kind == kind,
        outbox.OutboxMessage.created_at >= since).limit(1)) is not None


def run_expiry(*, now: datetime | None = None, actor="system") -> dict[str, int]:
    """Everything that falls due with time, in one transaction the caller commits."""
    return {"reminded": remind_unanswered(now=now, actor=actor),
            "expired": expire_unanswered(now=now, actor=actor),
            "renewal_asked": ask_talent_pool_renewal(now=now, actor=actor),
            "pool_lapsed": lapse_talent_pool(now=now, actor=actor)}


@periodic("case.expire", crontab(minute="*/15"))
def expire_task() -> int:
    """Remind, ask and expire what is due four times an hour, before the retention sweep."""
    counts = run_expiry()
    db.session.commit()
    return sum(counts.values())
