"""Mail to staff: the kinds a user can switch off, and the subject their mail is sealed under.

The outbox encrypts every message under a data subject's key. A staff member's mail hangs off
a subject of their own, never off the candidate it is about: a candidate who declines is erased
at once, and the recruiter must still hear of it. The kinds are registered by the package that
sends them (compliance never imports screening); each is on until the user switches it off.
"""

from collections.abc import Iterable

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit
from compliance.accounts import Role, User
from compliance.audit import AuditAction
from compliance.db import db
from compliance.subjects import Subject, create_subject

# kind -> (its label on the preferences page, the roles it is for); filled by `register`.
KINDS: dict[str, tuple[object, tuple[Role, ...]]] = {}


def register(kind: str, label, *roles: Role) -> None:
    """Declare a kind of staff mail that users of these roles can switch off."""
    KINDS[kind] = (label, roles)


def kinds_for(user: User) -> list[tuple[str, str]]:
    """Return (kind, label) of every kind a user of this role can receive."""
    return [(kind, str(label)) for kind, (label, roles) in KINDS.items() if user.role in roles]


class NotificationOptOut(db.Model):
    """A kind of mail a user switched off; without a row, the kind is on."""

    __tablename__ = "notification_optout"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class StaffMailSubject(db.Model):
    """The subject a staff member's mail is encrypted under (their address is personal data)."""

    __tablename__ = "staff_mail_subject"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            unique=True)

    subject: Mapped[Subject] = relationship()


def switched_off(user_ids: Iterable[int], kind: str) -> set[int]:
    """Return which of these users switched this kind off, in one query."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(NotificationOptOut.user_id).where(
        NotificationOptOut.user_id.in_(ids), NotificationOptOut.kind == kind)))


def enabled_kinds(user: User) -> list[str]:
    """Return the kinds this user receives."""
    off = set(db.session.scalars(select(NotificationOptOut.kind)
                                 .where(NotificationOptOut.user_id == user.id)))
    return [kind for kind, _label in kinds_for(user) if kind not in off]


def set_enabled(user: User, enabled: Iterable[str], *, actor) -> list[str]:
    """Switch the user's kinds on or off as chosen; audit the kinds that changed."""
    known = {kind for kind, _label in kinds_for(user)}
    wanted = set(enabled) & known
    before = set(enabled_kinds(user))
    changed = sorted(before ^ wanted)
    if not changed:
        return []
    db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
    db.session.add_all(NotificationOptOut(user_id=user.id, kind=kind)
                       for kind in sorted(known - wanted))
    db.session.flush()
    audit.record(AuditAction.USER_UPDATED, actor=actor, objects={"user": user.id},
                 fields=["notifications"], switched_on=sorted(wanted & set(changed)),
                 switched_off=sorted(set(changed) - wanted))
    return changed


def mail_subject(user: User) -> Subject:
    """Return the subject a user's mail is sealed under, made on first use."""
    subject = existing_mail_subject(user)
    if subject is None:
        row = StaffMailSubject(user_id=user.id, subject=create_subject())
        db.session.add(row)
        db.session.flush()
        subject = row.subject
    return subject


def existing_mail_subject(user: User) -> Subject | None:
    """Return the subject a user's mail is sealed under, if they were ever sent any."""
    row = db.session.get(StaffMailSubject, user.id)
    return row.subject if row is not None else None
