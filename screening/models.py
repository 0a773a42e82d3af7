"""The recruiter's data: vacancies, their legitimate-interest assessments, and candidates."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import policy
from compliance.accounts import User
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.personal import PersonalText
from compliance.subjects import Subject

# The states are the life cycle's, the source kinds the connectors'; re-exported for the models.
from screening.lifecycle import CaseState
from screening.sources.posts import SourceKind  # noqa: F401


class VacancyStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Decision(enum.StrEnum):
    HIRED = "hired"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


vacancy_assignment = Table(
    "vacancy_assignment",
    db.metadata,
    Column("vacancy_id", ForeignKey("vacancy.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class Vacancy(db.Model):
    __tablename__ = "vacancy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2))
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    lookback_years: Mapped[int] = mapped_column(Integer, default=policy.LOOKBACK_YEARS)
    retention_days: Mapped[int] = mapped_column(Integer,
                                                default=policy.preset(None).retention_days)
    comment_window_days: Mapped[int] = mapped_column(Integer, default=policy.COMMENT_WINDOW_DAYS)
    status: Mapped[VacancyStatus] = mapped_column(
        str_enum(VacancyStatus), default=VacancyStatus.OPEN
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    assignees: Mapped[list[User]] = relationship(secondary=vacancy_assignment)
    assessments: Mapped[list["Assessment"]] = relationship(
        back_populates="vacancy", order_by="Assessment.version", cascade="all, delete-orphan"
    )
    candidates: Mapped[list["Candidate"]] = relationship(back_populates="vacancy")

    @property
    def assessment(self) -> "Assessment | None":
        """Return the current (latest) legitimate-interest assessment."""
        return self.assessments[-1] if self.assessments else None


class Assessment(db.Model):
    """One version of a vacancy's legitimate-interest assessment (Art. 6(1)(f)); never edited."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(Text)
    necessity: Mapped[str] = mapped_column(Text)
    alternatives: Mapped[str] = mapped_column(Text)
    balancing: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    vacancy: Mapped[Vacancy] = relationship(back_populates="assessments")

    def fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("purpose", "necessity", "alternatives", "balancing")}


class Candidate(db.Model):
    __tablename__ = "candidate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subject.id", ondelete="CASCADE"), unique=True
    )
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancy.id"), index=True)
    name: Mapped[str] = mapped_column(PersonalText)
    email: Mapped[str] = mapped_column(PersonalText)
    language: Mapped[str] = mapped_column(String(2))
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState), default=CaseState.ADDED)
    decision: Mapped[Decision | None] = mapped_column(str_enum(Decision))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why a rejection was made, for the candidate's explanation (Art. 22(3); AI Act Art. 86).
    decision_reasons: Mapped[str | None] = mapped_column(PersonalText)
    # When the candidate was told what was found: the comment window runs from here.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment_waived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    subject: Mapped[Subject] = relationship()
    vacancy: Mapped[Vacancy] = relationship(back_populates="candidates")
