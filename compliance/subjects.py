"""The data subject: the root every piece of a person's data hangs off."""

import secrets
from datetime import datetime

from sqlalchemy import Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from compliance.db import UTCDateTime, db, utcnow


class Subject(db.Model):
    """One data subject; deleting it deletes everything about the person (cascades)."""

    __tablename__ = "subject"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Keys the audit pseudonym; shredded at erasure so old events can no longer be linked.
    pseudonym_secret: Mapped[bytes] = mapped_column(
        LargeBinary(32), default=lambda: secrets.token_bytes(32)
    )


def create_subject() -> Subject:
    """Create the root row for a new data subject."""
    subject = Subject()
    db.session.add(subject)
    db.session.flush()
    return subject
