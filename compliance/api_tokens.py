"""Personal API tokens: a user's own bearer credentials, stored as a hash, revocable.

A token carries no role of its own: it acts as its user, with the user's current role, and
stops working when the user is deactivated or the token is revoked.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit
from compliance.accounts import User
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, utcnow

PREFIX = "fs_"  # lets secret scanners and people recognise a leaked Fairscreen token


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def digest(raw: str) -> str:
    """Return the stored form of a raw token: its SHA-256, hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(user: User, name: str, *, actor) -> tuple[ApiToken, str]:
    """Issue a token for `user`; the raw value is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)  # 256 random bits
    token = ApiToken(user_id=user.id, name=name.strip(), token_hash=digest(raw))
    db.session.add(token)
    db.session.flush()
    audit.record(AuditAction.API_TOKEN_CREATED, actor=actor,
                 objects={"user": user.id, "api_token": token.id})
    return token, raw


def revoke_token(token: ApiToken, *, actor) -> None:
    """Revoke a token at once; revoking twice changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(AuditAction.API_TOKEN_REVOKED, actor=actor,
                 objects={"user": token.user_id, "api_token": token.id})


def user_for(raw: str) -> User | None:
    """Return the active user a live token belongs to, or None."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    """Return a user's tokens, the newest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.id.desc())))
