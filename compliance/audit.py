"""The audit log: one append-only, hash-chained record of every processing step."""

import enum
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from compliance.db import UTCDateTime, db, utcnow
from compliance.subjects import Subject

GENESIS = "0" * 64


class AuditAction(enum.StrEnum):
    """The closed vocabulary of audited actions."""

    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    ACCESS_DENIED = "access.denied"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    SETTINGS_UPDATED = "settings.updated"
    VACANCY_CREATED = "vacancy.created"
    VACANCY_UPDATED = "vacancy.updated"
    CANDIDATE_CREATED = "candidate.created"
    CANDIDATE_UPDATED = "candidate.updated"
    CANDIDATE_DECIDED = "candidate.decided"
    CONSENT_REQUESTED = "consent.requested"
    CONSENT_GIVEN = "consent.given"
    CONSENT_DECLINED = "consent.declined"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_EXPIRED = "consent.expired"
    SCREENING_STARTED = "screening.started"
    SCREENING_COMPLETED = "screening.completed"
    SCREENING_FAILED = "screening.failed"
    FINDINGS_VIEWED = "findings.viewed"
    NOTIFICATION_SENT = "notification.sent"
    RIGHTS_REQUESTED = "rights.requested"
    RIGHTS_RESOLVED = "rights.resolved"
    SUBJECT_ERASED = "subject.erased"
    AUDIT_EXPORTED = "audit.exported"
    KEYS_ROTATED = "keys.rotated"


class AuditEvent(db.Model):
    """One event; the triggers of the migration refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str | None] = mapped_column(String(64), index=True)
    objects: Mapped[dict[str, Any]] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    def canonical(self) -> bytes:
        """Encode the event's content deterministically for hashing."""
        return canonical_bytes(
            self.seq, self.at, self.actor, self.action, self.subject, self.objects,
            self.details, self.prev_hash,
        )


def canonical_bytes(seq, at, actor, action, subject, objects, details, prev_hash) -> bytes:
    """Return the canonical JSON encoding that an event's hash covers."""
    body = {
        "seq": seq,
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "action": action,
        "subject": subject,
        "objects": objects,
        "details": details,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def pseudonym(subject: Subject) -> str:
    """Return the subject's keyed pseudonym; it cannot be linked once the secret is shredded."""
    return hmac.new(subject.pseudonym_secret, b"fairscreen-subject", hashlib.sha256).hexdigest()


def actor_label(actor: Any) -> str:
    """Name an actor as `user:<id>`, `candidate` or `system`."""
    if isinstance(actor, str):
        return actor
    return f"user:{actor.id}"


_ALLOWED_DETAIL_TYPES = (int, float, bool, str, type(None))


def _check_details(details: dict[str, Any]) -> dict[str, Any]:
    """Keep details to counts, ids, codes and hashes: flat scalars or lists of them."""
    for key, value in details.items():
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(v, _ALLOWED_DETAIL_TYPES) for v in values):
            raise TypeError(f"audit detail {key!r} must be a scalar or a list of scalars")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in details.items()}


def record(
    action: AuditAction,
    *,
    actor: Any,
    subject: Subject | None = None,
    objects: dict[str, Any] | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one event to the chain; the caller commits."""
    last = db.session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    event = AuditEvent(
        seq=seq,
        at=utcnow(),
        actor=actor_label(actor),
        action=AuditAction(action).value,
        subject=pseudonym(subject) if subject is not None else None,
        objects=objects or {},
        details=_check_details(details),
        prev_hash=prev_hash,
    )
    event.hash = hashlib.sha256(event.canonical()).hexdigest()
    db.session.add(event)
    db.session.flush()
    return event
