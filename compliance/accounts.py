"""Staff accounts: roles, argon2id password hashes, and the operations on users."""

import enum
from datetime import datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from compliance import audit
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.personal import keyed_hash

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


def hash_secret(value: str) -> str:
    """Hash a secret a person holds (a password, a recovery code) with argon2id."""
    return _hasher().hash(value)


def secret_matches(hashed: str, value: str) -> bool:
    """Check a secret against its argon2id hash."""
    try:
        return _hasher().verify(hashed, value)
    except (VerificationError, InvalidHashError):
        return False


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
    # Part of every session's identity: raising it ends all the user's sessions at once.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The second factor (compliance/second_factor.py): the TOTP secret sealed in the vault, the
    # time it was confirmed (unconfirmed: enrolment under way), the last time step accepted.
    totp_secret: Mapped[str | None] = mapped_column(Text)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Name the user in the session cookie together with the current session version."""
        return f"{self.id}:{self.session_version}"


def find_user(email: str) -> User | None:
    """Look a user up by e-mail, case-insensitively."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


class AccountError(ValueError):
    """A change to an account the operation refuses; carries the field and a message."""

    field = "form"

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class DuplicateEmail(AccountError):
    """Another account has this e-mail address, in any spelling find_user reads as the same."""

    field = "email"

    def __init__(self) -> None:
        super().__init__(str(_l("A user with this e-mail address exists already.")))


class LastAdmin(AccountError):
    """The change would leave no active administrator, and so nobody to manage accounts."""

    field = "role"

    def __init__(self) -> None:
        super().__init__(str(_l("This is the last active administrator: make another user "
                                "administrator first.")))


class OwnAdminAccess(AccountError):
    """An administrator may not demote or deactivate themselves (another admin can)."""

    field = "role"

    def __init__(self) -> None:
        super().__init__(str(_l("You cannot remove your own administrator access.")))


def create_user(email: str, name: str, password: str, role: Role, *, actor) -> User:
    """Create a staff account with an argon2id hash of its password; refuse a taken e-mail."""
    if find_user(email) is not None:
        raise DuplicateEmail()
    user = User(
        email=email.strip().lower(), name=name, password_hash=_hasher().hash(password), role=role
    )
    db.session.add(user)
    db.session.flush()
    audit.record(AuditAction.USER_CREATED, actor=actor, objects={"user": user.id}, role=role.value)
    return user


def update_user(user: User, *, actor, role: Role | None = None, active: bool | None = None,
                language: str | None = None) -> User:
    """Change a user's role, active flag or language, auditing what changed.

    Refuses to take away the last active administrator, or an administrator's own access.
    """
    _guard_admin_access(user, actor=actor, role=role if role is not None else user.role,
                        active=active if active is not None else user.active)
    changed = []
    if role is not None and role != user.role:
        user.role, changed = role, [*changed, "role"]
    if active is not None and active != user.active:
        user.active, changed = active, [*changed, "active"]
        if not active:
            _raise_session_version(user)  # reactivation must not revive an old cookie
    if language is not None and language != user.language:
        user.language, changed = language, [*changed, "language"]
    if changed:
        audit.record(AuditAction.USER_UPDATED, actor=actor, objects={"user": user.id},
                     fields=changed, role=user.role.value, active=user.active)
    return user


def _guard_admin_access(user: User, *, actor, role: Role, active: bool) -> None:
    if not (user.role == Role.ADMIN and user.active) or (role == Role.ADMIN and active):
        return  # the change removes no administrator
    if isinstance(actor, User) and actor.id == user.id:
        raise OwnAdminAccess()
    # Locked on PostgreSQL, so two admins demoting each other at once cannot both pass.
    others = db.session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.active, User.id != user.id,
                              User.password_hash != "")  # an invitation not accepted is nobody
        .with_for_update()).all()
    if not others:
        raise LastAdmin()


def change_password(user: User, current: str, new: str, *, actor) -> bool:
    """Replace the password if `current` is right, ending every session of the user."""
    try:
        _hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        return False
    user.password_hash = _hasher().hash(new)
    _raise_session_version(user)
    audit.record(AuditAction.USER_UPDATED, actor=actor, objects={"user": user.id},
                 fields=["password"], role=user.role.value, active=user.active)
    return True


def set_password(user: User, password: str) -> None:
    """Store a new password's hash and end every session of the user (the caller audits)."""
    user.password_hash = _hasher().hash(password)
    _raise_session_version(user)


def end_sessions(user: User, *, actor) -> None:
    """Log the user out everywhere: every session cookie issued so far stops working."""
    _raise_session_version(user)
    audit.record(AuditAction.SESSIONS_ENDED, actor=actor, objects={"user": user.id})


def log_out(user: User) -> None:
    """End the user's sessions, so that a copy of this session's cookie is worthless too."""
    _raise_session_version(user)
    audit.record(AuditAction.LOGOUT, actor=user)


def _raise_session_version(user: User) -> None:
    # Computed by the database, so two concurrent raises cannot both write the same value.
    user.session_version = User.session_version + 1
    db.session.flush()


def login_throttle_key(email: str) -> str:
    """Key the per-account login limit by the blind hash of the address as find_user reads it.

    Every spelling that find_user maps to one account shares one key, whether or not the
    account exists, and the clear address never reaches the rate-limit store.
    """
    return keyed_hash(email.strip().lower(), purpose="login")


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, auditing success and failure."""
    user = find_user(email)
    try:
        # An invited user without a password yet is checked like an unknown address.
        _hasher().verify(user.password_hash if user and user.password_hash else _dummy_hash(),
                         password)
        ok = user is not None and user.active and bool(user.password_hash)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        audit.record(AuditAction.LOGIN_FAILED, actor="system",
                     objects={"user": user.id} if user else {})
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    # With a second factor, the password is the first of two steps (compliance/second_factor).
    audit.record(AuditAction.LOGIN_SUCCEEDED, actor=user,
                 **({"step": "password"} if user.totp_enabled_at else {}))
    return user
