"""The data subject: the root every piece of a person's data hangs off, with its retention date."""

import enum
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import vault
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.personal import PersonalText, keyed_hash


class RetentionReason(enum.StrEnum):
    """Why a subject's data is due for erasure on its date."""

    UNDECIDED = "undecided"
    CONSENT_UNANSWERED = "consent_unanswered"
    CONSENT_DECLINED = "consent_declined"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    DECIDED = "decided"
    TALENT_POOL = "talent_pool"
    ERASURE_REQUESTED = "erasure_requested"
    OBJECTION = "objection"


class Subject(db.Model):
    """One data subject; deleting it deletes everything about the person (cascades)."""

    __tablename__ = "subject"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Keys the audit pseudonym; deleted at erasure so old events can no longer be linked.
    pseudonym_secret: Mapped[bytes] = mapped_column(
        LargeBinary(32), default=lambda: secrets.token_bytes(32)
    )
    # Names the subject's data key in the vault; every personal field is sealed under it.
    key_id: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    # Blind index of the subject's e-mail address, for rights requests that arrive by e-mail.
    email_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    erase_after: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    erase_reason: Mapped[RetentionReason | None] = mapped_column(str_enum(RetentionReason))
    # Set once erasure has begun: from then on the subject is erased, whatever else happens.
    erasing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LegalHold(db.Model):
    """Counsel's reason to keep a subject's data despite an erasure request or its retention
    date (Art. 17(3)); kept after its release, with the release's reason, as its record.

    The reasons are counsel's free text about a person's situation: encrypted under the
    subject's key like everything else about them, and never written to the audit log.
    """

    __tablename__ = "legal_hold"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)
    reason: Mapped[str] = mapped_column(PersonalText)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    release_reason: Mapped[str | None] = mapped_column(PersonalText)

    subject: Mapped[Subject] = relationship()


def active_hold(subject_id: int) -> LegalHold | None:
    """Return the subject's hold in force, if any: at most one at a time."""
    return db.session.scalar(select(LegalHold).where(
        LegalHold.subject_id == subject_id, LegalHold.released_at.is_(None)).limit(1))


def create_subject() -> Subject:
    """Create the root row for a new data subject, with its own data key in the vault."""
    subject = Subject(key_id=vault.create_key())
    db.session.add(subject)
    db.session.flush()
    return subject


def set_email(subject: Subject, email: str) -> None:
    """Keep the subject's e-mail blind index in step with the address on file."""
    subject.email_hash = keyed_hash(email, "email")


def find_by_email(email: str) -> list[Subject]:
    """Return the subjects whose e-mail address is this one (case-insensitively)."""
    return list(db.session.scalars(
        select(Subject).where(Subject.email_hash == keyed_hash(email, "email"))
        .order_by(Subject.id)
    ))
