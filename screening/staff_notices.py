"""Recruiters' e-mail about their cases: a candidate answered, a run ended, a comment window is
closing. Each goes to the vacancy's owner and assignees who did not switch its kind off, once
per event and recipient (a task run twice sends nothing twice), with no personal data in it.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, selectinload

from compliance import policy, staff_mail
from compliance.accounts import Role, User
from compliance.db import UTCDateTime, db, utcnow
from compliance.mail import clean_text
from compliance.queue import periodic
from screening.findings import window_closes_at
from screening.lifecycle import CaseState
from screening.models import Candidate, Vacancy
from screening.notices import StaffMessageKind, mail_staff, public_url

K = StaffMessageKind
staff_mail.register(K.CANDIDATE_ANSWERED.value, _l("A candidate agreed or declined"),
                    Role.RECRUITER)
staff_mail.register(K.RUN_ENDED.value, _l("A screening finished or failed"), Role.RECRUITER)
staff_mail.register(K.WINDOW_CLOSING.value,
                    _l("A candidate's comment window is about to close"), Role.RECRUITER)
NOTICE_BEFORE = timedelta(hours=policy.COMMENT_WINDOW_NOTICE_HOURS)


class StaffNotice(db.Model):
    """One notice sent to one user about one event; the constraint keeps it to one."""

    __tablename__ = "staff_notice"
    __table_args__ = (UniqueConstraint("kind", "event", "user_id", name="uq_staff_notice_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(80))  # ids only: "case-move:<seq>", "run:<id>"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def recruiters_of(vacancy: Vacancy) -> list[User]:
    """Return the vacancy's owner and assignees who can still work on it."""
    users = {u.id: u for u in [vacancy.owner, *vacancy.assignees]
             if u.active and u.role == Role.RECRUITER}
    return list(users.values())


def _notify(kind: StaffMessageKind, candidate: Candidate, event: str, **context) -> int:
    """Write each recruiter of the candidate's vacancy who wants it and has not had it yet."""
    vacancy = candidate.vacancy
    users = recruiters_of(vacancy)
    off = staff_mail.switched_off([u.id for u in users], kind.value)
    done = set(db.session.scalars(select(StaffNotice.user_id).where(
        StaffNotice.kind == kind.value, StaffNotice.event == event)))
    sent = 0
    for user in users:
        if user.id in off or user.id in done:
            continue
        message = mail_staff(
            kind, user, about={"candidate": candidate.id, "vacancy": vacancy.id},
            case=candidate.id, vacancy_title=clean_text(vacancy.title),
            link=public_url(f"/candidates/{candidate.id}"), **context)
        db.session.add(StaffNotice(kind=kind.value, event=event, user_id=user.id,
                                   message_id=message.id))
        sent += 1
    db.session.flush()
    return sent


def candidate_answered(candidate: Candidate, *, agreed: bool, event_seq: int) -> int:
    """Tell the recruiters that the candidate agreed or declined (the case move's event)."""
    return _notify(K.CANDIDATE_ANSWERED, candidate, f"case-move:{event_seq}", agreed=agreed)


def run_ended(candidate: Candidate, run_id: int, *, finished: bool) -> int:
    """Tell the recruiters that a screening run finished or failed."""
    return _notify(K.RUN_ENDED, candidate, f"run:{run_id}", finished=finished)


def notify_closing_windows(now: datetime | None = None) -> int:
    """Tell the recruiters of each case whose comment window closes within NOTICE_BEFORE."""
    now = now or utcnow()
    since = now - timedelta(days=policy.COMMENT_WINDOW_MAX_DAYS)
    candidates = db.session.scalars(
        select(Candidate).where(Candidate.state == CaseState.SCREENED,
                                Candidate.notified_at >= since,
                                Candidate.comment_waived_at.is_(None))
        .options(selectinload(Candidate.vacancy)).order_by(Candidate.id)).all()
    sent = 0
    for candidate in candidates:
        closes = window_closes_at(candidate)
        if closes is None or not now < closes <= now + NOTICE_BEFORE:
            continue
        # A new screening opens a new window: the notice is once per window.
        event = f"window:{candidate.id}:{candidate.notified_at:%Y%m%dT%H%M%S}"
        sent += _notify(K.WINDOW_CLOSING, candidate, event, closes=closes)
    return sent


@periodic("recruiter.window_closing", crontab(minute="*/15"))
def window_closing_task() -> int:
    """Send the comment-window notices that are due, and commit."""
    sent = notify_closing_windows()
    db.session.commit()
    return sent
