"""Staff e-mail links: invitations and password resets, single-use, expiring, stored as a hash.

An invitation creates the account at once, without a password (nobody can log in to it), and
mails a link where the invitee chooses one. A reset link is mailed only to an account that
exists, but the page that asks for it answers the same either way, so nobody learns from it
whether an address has an account. The database keeps the link's SHA-256, and each link works
once, until it expires or a newer one of its kind replaces it.

The mail goes the way of all staff mail: into the outbox, sealed under the user's own mail
subject, sent and retried from there (the queue carries the message's id, never its text), and
masked once sent. A replaced or withdrawn link's mail that still waits is never sent.
"""

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit, outbox
from compliance.accounts import AccountError, DuplicateEmail, Role, User, find_user, set_password
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.staff_mail import existing_mail_subject, mail_subject

INVITATION_LIFETIME = timedelta(hours=72)
RESET_LIFETIME = timedelta(hours=1)


class LinkPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


LIFETIMES = {LinkPurpose.INVITATION: INVITATION_LIFETIME,
             LinkPurpose.PASSWORD_RESET: RESET_LIFETIME}


class AccountLink(db.Model):
    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def live(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > utcnow()


class LinkState(enum.StrEnum):
    """What a followed link turned out to be; every state but LIVE is said on the page."""

    LIVE = "live"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # forged, mistyped, revoked or replaced


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _issue(user: User, purpose: LinkPurpose) -> str:
    """Revoke the user's live links of this purpose and make a new one; return its raw token."""
    now = utcnow()
    for link in db.session.scalars(select(AccountLink).where(
            AccountLink.user_id == user.id, AccountLink.purpose == purpose,
            AccountLink.used_at.is_(None), AccountLink.revoked_at.is_(None))):
        link.revoked_at = now
    raw = secrets.token_urlsafe(32)  # 256 bits
    db.session.add(AccountLink(user_id=user.id, purpose=purpose, token_hash=digest(raw),
                               expires_at=now + LIFETIMES[purpose]))
    db.session.flush()
    return raw


def follow(raw: str, purpose: LinkPurpose) -> tuple[LinkState, AccountLink | None]:
    """Look a followed link up: its state, and the link itself when it is live."""
    if not raw or len(raw) > 100:
        return LinkState.UNKNOWN, None
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == digest(raw)))
    if link is None or link.purpose != purpose or link.revoked_at is not None:
        return LinkState.UNKNOWN, None
    if link.used_at is not None:
        return LinkState.USED, None
    if link.expires_at <= utcnow() or not link.user.active:
        return LinkState.EXPIRED, None
    return LinkState.LIVE, link


def invite(email: str, name: str, role: Role, *, actor: User, language: str) -> User:
    """Create an account without a password and mail its holder a link to choose one."""
    if find_user(email) is not None:
        raise DuplicateEmail()
    user = User(email=email.strip().lower(), name=name, password_hash="", role=role,
                language=language)
    db.session.add(user)
    db.session.flush()
    _send_invitation(user)
    audit.record(AuditAction.INVITATION_SENT, actor=actor, objects={"user": user.id},
                 role=role.value)
    return user


def resend_invitation(user: User, *, actor: User) -> None:
    """Mail a fresh invitation link; the earlier one stops working."""
    if not pending(user):
        raise AccountError(_("This user has already accepted the invitation."))
    _send_invitation(user)
    audit.record(AuditAction.INVITATION_SENT, actor=actor, objects={"user": user.id},
                 role=user.role.value, again=True)


def revoke_invitation(user: User, *, actor: User) -> None:
    """Withdraw a pending invitation: the link stops working and the account is removed."""
    if not pending(user):
        raise AccountError(_("This user has already accepted the invitation."))
    audit.record(AuditAction.INVITATION_REVOKED, actor=actor, objects={"user": user.id})
    subject = existing_mail_subject(user)
    if subject is not None:  # its mail, if still waiting, is never sent
        outbox.withdraw(subject, LinkPurpose.INVITATION.value, reason="Withdrawn")
    db.session.execute(delete(AccountLink).where(AccountLink.user_id == user.id))
    db.session.delete(user)
    db.session.flush()


def accept_invitation(link: AccountLink, password: str) -> User:
    """Set the invitee's first password; the link is used up."""
    link.used_at = utcnow()
    set_password(link.user, password)
    audit.record(AuditAction.INVITATION_ACCEPTED, actor=link.user,
                 objects={"user": link.user.id})
    return link.user


def pending(user: User) -> bool:
    """Whether the user was invited and has not chosen a password yet."""
    return user.password_hash == ""


def pending_invitations() -> list[tuple[User, AccountLink | None]]:
    """Return the invited users without a password yet, with their newest link."""
    users = db.session.scalars(select(User).where(User.password_hash == "")
                               .order_by(User.name)).all()
    return [(user, _newest(user, LinkPurpose.INVITATION)) for user in users]


def _newest(user: User, purpose: LinkPurpose) -> AccountLink | None:
    return db.session.scalar(select(AccountLink).where(
        AccountLink.user_id == user.id, AccountLink.purpose == purpose)
        .order_by(AccountLink.id.desc()).limit(1))


def request_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; do nothing visible otherwise."""
    user = find_user(email)
    if user is None or not user.active or pending(user):
        return
    audit.record(AuditAction.PASSWORD_RESET_REQUESTED, actor="system", objects={"user": user.id})
    _send(user, LinkPurpose.PASSWORD_RESET)


def reset_password(link: AccountLink, password: str) -> User:
    """Set a new password from a reset link; every session of the user ends."""
    link.used_at = utcnow()
    set_password(link.user, password)  # raises the session version
    audit.record(AuditAction.PASSWORD_RESET, actor=link.user, objects={"user": link.user.id})
    return link.user


def _send_invitation(user: User) -> None:
    _send(user, LinkPurpose.INVITATION)


def _send(user: User, purpose: LinkPurpose) -> outbox.OutboxMessage:
    """Issue a new link and put its e-mail, in the user's language, in the outbox.

    The earlier link of this purpose stops working, so its e-mail, if still waiting, is never
    sent. The outbox sends after the caller commits, and retries a temporary failure.
    """
    subject = mail_subject(user)
    outbox.withdraw(subject, purpose.value, reason="Superseded")
    raw = _issue(user, purpose)
    language = user.language or str(get_locale() or "en")  # else the page's language
    with force_locale(language):
        title, body = _message(user, purpose, raw)
    return outbox.store(subject, kind=purpose.value, recipient=user.email, title=title,
                        body=body, language=language, about={"user": user.id})


def _message(user: User, purpose: LinkPurpose, raw: str) -> tuple[str, str]:
    if purpose == LinkPurpose.INVITATION:
        link = _external("links.accept_invitation", token=raw)
        return (_("You are invited to Fairscreen"),
                render_template("email/invitation.txt", user=user, link=link,
                                hours=int(INVITATION_LIFETIME.total_seconds() // 3600)))
    link = _external("links.reset_password", token=raw)
    return (_("Choose a new Fairscreen password"),
            render_template("email/password_reset.txt", user=user, link=link,
                            minutes=int(RESET_LIFETIME.total_seconds() // 60)))


def _external(endpoint: str, **values) -> str:
    """Make an absolute link for an e-mail from the configured public address."""
    base = current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000")
    return base.rstrip("/") + url_for(endpoint, **values)
