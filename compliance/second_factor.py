"""The second factor: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

Administrators and legal counsel must have one; recruiters may. A code is accepted once: the
time step it belongs to is kept, and a code of that step or an earlier one is refused, so a
code seen over someone's shoulder cannot be replayed within its window.

The secret is sealed in the key vault (compliance/vault.py) under a data key of its own, made
at enrolment: like the candidates' data it is AES-GCM under a key wrapped by the master key and
kept in the vault's database, so a backup of the application database alone holds nothing a
code could be computed from, master key rotation re-wraps it with the rest, and switching the
factor off (or an admin's reset) shreds that key. The password hash cannot be used instead: the
server must read the secret back to compute codes. Recovery codes are never read back, only
checked, so they are hashed with argon2id like passwords.
"""

import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import ForeignKey, Integer, String, delete, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from compliance import audit, vault
from compliance.accounts import Role, User, hash_secret, secret_matches
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, utcnow

ISSUER = "Fairscreen"
REQUIRED_ROLES = frozenset({Role.ADMIN, Role.LEGAL})
RECOVERY_CODES = 10
DRIFT_STEPS = 1  # accept the codes of one step before and after: phones' clocks drift
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class RecoveryCode(db.Model):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def required(user: User) -> bool:
    """Whether the user's role must use a second factor."""
    return user.role in REQUIRED_ROLES


def enrolled(user: User) -> bool:
    return user.totp_secret is not None and user.totp_enabled_at is not None


def start_enrolment(user: User) -> str:
    """Give the user a new, unconfirmed secret (replacing an unconfirmed one); return it."""
    if enrolled(user):
        raise ValueError("already enrolled")
    _shred(user)
    secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
    user.totp_secret = vault.encrypt(vault.create_key(), secret)
    user.totp_enabled_at, user.totp_last_step = None, None
    db.session.flush()
    return secret


def set_up(user: User, secret: str, *, actor) -> list[str]:
    """Switch the factor on with a known secret, unconfirmed (the demo's users); return the
    recovery codes."""
    _shred(user)
    user.totp_secret = vault.encrypt(vault.create_key(), secret)
    user.totp_enabled_at, user.totp_last_step = utcnow(), None
    codes = _new_recovery_codes(user)
    audit.record(AuditAction.SECOND_FACTOR_ENROLLED, actor=actor, objects={"user": user.id})
    return codes


def has_secret(user: User, secret: str) -> bool:
    """Whether the user's factor is on with this very secret."""
    return enrolled(user) and secrets.compare_digest(_secret(user), secret)


def pending_secret(user: User) -> str | None:
    """Return the secret of an enrolment under way, or None."""
    if user.totp_secret is None or user.totp_enabled_at is not None:
        return None
    return _secret(user)


def confirm_enrolment(user: User, code: str, *, actor) -> list[str] | None:
    """Switch the factor on if `code` is right; return the new recovery codes, or None."""
    if pending_secret(user) is None or not _check_totp(user, code):
        return None
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record(AuditAction.SECOND_FACTOR_ENROLLED, actor=actor, objects={"user": user.id})
    return codes


def verify(user: User, code: str) -> bool:
    """Check a login's second step: a TOTP code, or an unused recovery code (then used up).

    A failure is audited without the code.
    """
    if enrolled(user):
        if _check_totp(user, code):
            return True
        if _use_recovery_code(user, code):
            return True
    audit.record(AuditAction.SECOND_FACTOR_FAILED, actor="system", objects={"user": user.id})
    return False


def record_login(user: User) -> None:
    """Audit the end of a login's second step."""
    audit.record(AuditAction.LOGIN_SUCCEEDED, actor=user, step="second_factor")


def remove(user: User, *, actor) -> None:
    """Switch the factor off and destroy its secret and recovery codes."""
    _shred(user)
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = None, None, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    audit.record(AuditAction.SECOND_FACTOR_REMOVED, actor=actor, objects={"user": user.id},
                 by_admin=not (isinstance(actor, User) and actor.id == user.id))


def renew_recovery_codes(user: User, *, actor) -> list[str]:
    """Replace every recovery code of the user by ten new ones, shown once."""
    if not enrolled(user):
        raise ValueError("no second factor")
    codes = _new_recovery_codes(user)
    audit.record(AuditAction.RECOVERY_CODES_RENEWED, actor=actor, objects={"user": user.id})
    return codes


def unused_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code or typed in)."""
    return pyotp.TOTP(secret).provisioning_uri(name=str(user.email), issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """Write a secret in groups of four, to be typed into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(uri: str, title: str) -> str:
    """Render the URI as an inline SVG QR code (no image fetched from anywhere)."""
    return segno.make(uri, error="m").svg_inline(scale=4, title=title, svgclass="qr",
                                                 svgid=None, lineclass=None, omitsize=False)


def _secret(user: User) -> str:
    return vault.decrypt(user.totp_secret)


def _shred(user: User) -> None:
    if user.totp_secret is not None:
        vault.shred([vault.key_id_of(user.totp_secret)])


def _check_totp(user: User, code: str) -> bool:
    code = "".join(str(code or "").split())
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(_secret(user))
    now = totp.timecode(utcnow())
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return _take_step(user, step)
    return False


def _take_step(user: User, step: int) -> bool:
    """Mark a time step used, unless it or a later one was: one UPDATE checked by its row
    count, so of two requests with the same code exactly one passes."""
    taken = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    db.session.refresh(user, ["totp_last_step"])
    return taken.rowcount == 1


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_secret(code))
                       for code in codes)
    db.session.flush()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    code = "".join(str(code or "").lower().split())
    if len(code) != 11:
        return False
    unused = db.session.scalars(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all()
    for row in unused:
        if not secret_matches(row.code_hash, code):
            continue
        taken = db.session.execute(
            update(RecoveryCode).where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow()).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            return False  # used by a request running at the same time
        audit.record(AuditAction.RECOVERY_CODE_USED, actor=user, objects={"user": user.id},
                     left=len(unused) - 1)
        return True
    return False
