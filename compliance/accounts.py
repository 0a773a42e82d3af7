"""Staff accounts: roles, argon2id password hashes, and the operations on users."""

import enum
from datetime import datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from compliance import audit
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow

_HASHERS = {
    # argon2id with the parameters RFC 9106 recommends for low-memory machines.
    "default": PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY),
    # Tests only: hashing dominates their run time otherwise.
    "cheapest": PasswordHasher.from_parameters(profiles.CHEAPEST),
}
_dummy_hashes: dict[str, str] = {}


def _hasher() -> PasswordHasher:
    return _HASHERS[current_app.config.get("PASSWORD_HASHING", "default")]


def _dummy_hash() -> str:
    """Return a hash to verify against when the e-mail is unknown, so timing reveals nothing."""
    profile = current_app.config.get("PASSWORD_HASHING", "default")
    if profile not in _dummy_hashes:
        _dummy_hashes[profile] = _hasher().hash("fairscreen-no-such-user")
    return _dummy_hashes[profile]


class Role(enum.StrEnum):
    RECRUITER = "recruiter"
    LEGAL = "legal"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.active


def find_user(email: str) -> User | None:
    """Look a user up by e-mail, case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, name: str, password: str, role: Role, *, actor) -> User:
    """Create a staff account with an argon2id hash of its password."""
    user = User(
        email=email.strip().lower(), name=name, password_hash=_hasher().hash(password), role=role
    )
    db.session.add(user)
    db.session.flush()
    audit.record(AuditAction.USER_CREATED, actor=actor, objects={"user": user.id}, role=role.value)
    return user


def update_user(user: User, *, actor, role: Role | None = None, active: bool | None = None,
                language: str | None = None) -> User:
    """Change a user's role, active flag or language, auditing what changed."""
    changed = []
    if role is not None and role != user.role:
        user.role, changed = role, [*changed, "role"]
    if active is not None and active != user.active:
        user.active, changed = active, [*changed, "active"]
    if language is not None and language != user.language:
        user.language, changed = language, [*changed, "language"]
    if changed:
        audit.record(AuditAction.USER_UPDATED, actor=actor, objects={"user": user.id},
                     fields=changed, role=user.role.value, active=user.active)
    return user


def set_password(user: User, password: str) -> None:
    """Replace a user's password hash."""
    user.password_hash = _hasher().hash(password)


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, auditing success and failure."""
    user = find_user(email)
    try:
        _hasher().verify(user.password_hash if user else _dummy_hash(), password)
        ok = user is not None and user.active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        audit.record(AuditAction.LOGIN_FAILED, actor="system",
                     objects={"user": user.id} if user else {})
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        set_password(user, password)
    audit.record(AuditAction.LOGIN_SUCCEEDED, actor=user)
    return user
