"""Single-purpose links for candidates: random 256-bit tokens, stored only as their hash."""

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.subjects import Subject


class Purpose(enum.StrEnum):
    CONSENT = "consent"
    PORTAL = "portal"


class AccessToken(db.Model):
    __tablename__ = "access_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subject: Mapped[Subject] = relationship()


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(subject: Subject, purpose: Purpose, lifetime: timedelta) -> str:
    """Create a link token for one subject and purpose; only its hash is kept."""
    raw = secrets.token_urlsafe(32)  # 256 bits
    db.session.add(AccessToken(subject=subject, purpose=purpose, token_hash=_digest(raw),
                               expires_at=utcnow() + lifetime))
    db.session.flush()
    return raw


def resolve(raw: str, purpose: Purpose) -> AccessToken | None:
    """Return the live token for this raw value and purpose, or None (forged, expired, other)."""
    if not raw or len(raw) > 100:
        return None
    token = db.session.scalar(select(AccessToken).where(AccessToken.token_hash == _digest(raw)))
    if token is None or token.purpose != purpose or token.revoked_at is not None:
        return None
    if token.expires_at <= utcnow():
        return None
    return token


def lookup(raw: str) -> AccessToken | None:
    """Return the token for this raw value whatever its state, to tell a dead link from a forged
    one; never use it to grant access (that is `resolve`)."""
    if not raw or len(raw) > 100:
        return None
    return db.session.scalar(select(AccessToken).where(AccessToken.token_hash == _digest(raw)))


def revoke_all(subject: Subject, purpose: Purpose) -> None:
    """Revoke every live token of a subject for a purpose (e.g. a consent request answered)."""
    for token in db.session.scalars(select(AccessToken).where(
            AccessToken.subject_id == subject.id, AccessToken.purpose == purpose,
            AccessToken.revoked_at.is_(None))):
        token.revoked_at = utcnow()
