"""Consent records: per purpose and source, with the exact notice shown; history is kept."""

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_app_context
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from compliance import audit, retention
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.personal import PersonalText
from compliance.subjects import RetentionReason, Subject


class ConsentPurpose(enum.StrEnum):
    SCREENING = "screening"
    TALENT_POOL = "talent_pool"


class ConsentDecision(enum.StrEnum):
    GIVEN = "given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ConsentRecord(db.Model):
    """One decision on one source (or on the talent pool); never updated, only added to."""

    __tablename__ = "consent_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(str_enum(ConsentPurpose))
    source_kind: Mapped[str | None] = mapped_column(String(24))
    account: Mapped[str | None] = mapped_column(PersonalText)
    decision: Mapped[ConsentDecision] = mapped_column(str_enum(ConsentDecision))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    language: Mapped[str] = mapped_column(String(2))
    notice_version: Mapped[str] = mapped_column(String(80))
    notice_text: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subject: Mapped[Subject] = relationship()


@dataclass(frozen=True)
class Notice:
    """The exact text a candidate was shown, and the version it came from."""

    version: str
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SourceAnswer:
    kind: str
    account: str | None
    given: bool


def record_answers(subject: Subject, answers: list[SourceAnswer], *, notice: Notice,
                   scope: dict[str, Any], language: str, method: str) -> list[ConsentRecord]:
    """Record the candidate's answer per source; a decline of every source ends the case."""
    records = []
    for answer in answers:
        decision = ConsentDecision.GIVEN if answer.given else ConsentDecision.DECLINED
        records.append(_add(subject, ConsentPurpose.SCREENING, decision, answer.kind,
                            answer.account if answer.given else None, notice=notice,
                            scope=scope, language=language, method=method))
    given = sorted(a.kind for a in answers if a.given)
    declined = sorted(a.kind for a in answers if not a.given)
    audit.record(AuditAction.CONSENT_GIVEN if given else AuditAction.CONSENT_DECLINED,
                 actor="candidate", subject=subject, objects=_objects(scope), sources=given,
                 declined=declined, notice_version=notice.version, notice_digest=notice.digest,
                 method=method)
    if not given:
        retention.after_consent_ended(subject, RetentionReason.CONSENT_DECLINED)
    return records


def record_talent_pool(subject: Subject, *, notice: Notice, scope: dict[str, Any],
                       language: str, method: str, given: bool = True) -> None:
    """Record the separate talent-pool consent (keep the data a year), or its refusal."""
    decision = ConsentDecision.GIVEN if given else ConsentDecision.DECLINED
    _add(subject, ConsentPurpose.TALENT_POOL, decision, None, None, notice=notice,
         scope=scope, language=language, method=method)
    audit.record(AuditAction.CONSENT_GIVEN if given else AuditAction.CONSENT_DECLINED,
                 actor="candidate", subject=subject, objects=_objects(scope),
                 purpose=ConsentPurpose.TALENT_POOL.value, notice_version=notice.version,
                 method=method)


def withdraw(subject: Subject, *, notice: Notice, scope: dict[str, Any], language: str,
             method: str) -> None:
    """Withdraw every consent the subject gave; processing stops and the case is erased."""
    given = current(subject)
    for kind in given:
        _add(subject, ConsentPurpose.SCREENING, ConsentDecision.WITHDRAWN, kind, None,
             notice=notice, scope=scope, language=language, method=method)
    if talent_pool_since(subject) is not None:
        _add(subject, ConsentPurpose.TALENT_POOL, ConsentDecision.WITHDRAWN, None, None,
             notice=notice, scope=scope, language=language, method=method)
    audit.record(AuditAction.CONSENT_WITHDRAWN, actor="candidate", subject=subject,
                 objects=_objects(scope), sources=sorted(given), method=method)
    retention.after_consent_ended(subject, RetentionReason.CONSENT_WITHDRAWN)


def withdraw_source(subject: Subject, kind: str, *, notice: Notice, scope: dict[str, Any],
                    language: str, method: str) -> None:
    """Withdraw the consent for one source only; the others stand (at least one must)."""
    if kind not in current(subject):
        raise LookupError(kind)
    _add(subject, ConsentPurpose.SCREENING, ConsentDecision.WITHDRAWN, kind, None,
         notice=notice, scope=scope, language=language, method=method)
    audit.record(AuditAction.CONSENT_WITHDRAWN, actor="candidate", subject=subject,
                 objects=_objects(scope), sources=[kind], method=method)


def history(subject: Subject) -> list[ConsentRecord]:
    """Return every consent record of the subject, oldest first."""
    preloaded = _preloaded().get(subject.id)
    if preloaded is not None:
        return list(preloaded)
    return list(db.session.scalars(select(ConsentRecord).where(
        ConsentRecord.subject_id == subject.id).order_by(ConsentRecord.id)))


PRELOADED = "_fairscreen_consent_histories"


def preload(subjects: list[Subject]) -> None:
    """Read many subjects' consent records in one query, for a list that asks each of them.

    They serve `history` in this app context only until the transaction ends (commit or
    rollback) or the subject's consent changes, so no answer is ever older than its session.
    """
    known = _preloaded()
    wanted = sorted({s.id for s in subjects} - set(known))
    if not wanted or not has_app_context():
        return
    found: dict[int, list[ConsentRecord]] = {subject_id: [] for subject_id in wanted}
    for record in db.session.scalars(select(ConsentRecord).where(
            ConsentRecord.subject_id.in_(wanted)).order_by(ConsentRecord.id)):
        found[record.subject_id].append(record)
    g.setdefault(PRELOADED, {}).update(found)


def _preloaded() -> dict[int, list[ConsentRecord]]:
    return g.get(PRELOADED, {}) if has_app_context() else {}


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_preloaded(session: Session, *_args) -> None:
    if has_app_context():
        g.pop(PRELOADED, None)


def current(subject: Subject) -> dict[str, tuple[str | None, bool]]:
    """Return, per source, the confirmed account of a standing screening consent."""
    latest: dict[str, ConsentRecord] = {}
    for record in history(subject):
        if record.purpose == ConsentPurpose.SCREENING and record.source_kind:
            latest[record.source_kind] = record
    return {kind: (r.account, True) for kind, r in latest.items()
            if r.decision == ConsentDecision.GIVEN}


def talent_pool_since(subject: Subject) -> datetime | None:
    """Return when a standing talent-pool consent was given, if one stands."""
    records = [r for r in history(subject) if r.purpose == ConsentPurpose.TALENT_POOL]
    if records and records[-1].decision == ConsentDecision.GIVEN:
        return records[-1].at
    return None


def _add(subject, purpose, decision, kind, account, *, notice, scope, language, method):
    _preloaded().pop(subject.id, None)
    record = ConsentRecord(subject=subject, purpose=purpose, decision=decision,
                           source_kind=kind, account=account, scope=scope, language=language,
                           notice_version=notice.version, notice_text=notice.text, method=method)
    db.session.add(record)
    db.session.flush()
    return record


def _objects(scope: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in scope.items() if k in ("vacancy", "candidate")}
