"""The outbox: every e-mail is stored (encrypted) and shown to admins; SMTP sends it when set.

A message's body holds the candidate's single-purpose links. Once SMTP has delivered it, the
stored copy keeps only a masked body, so the database never holds a usable link for long.
Without SMTP (the embedded default) the outbox is the delivery: admins read it there.
"""

import enum
import functools
import re
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.oncommit import after_commit
from compliance.personal import PersonalText
from compliance.queue import enqueue, enqueue_in, task
from compliance.subjects import Subject

MAX_ATTEMPTS = 5
RETRY_SECONDS = 60  # then 2, 4 and 8 minutes: a mail server has time to come back
_LINK = re.compile(r"https?://\S+")


class Status(enum.StrEnum):
    STORED = "stored"  # no SMTP configured: the outbox is the delivery
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(PersonalText)
    title: Mapped[str] = mapped_column(PersonalText)
    body: Mapped[str] = mapped_column(PersonalText)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[Status] = mapped_column(str_enum(Status))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subject: Mapped[Subject] = relationship()


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def store(subject: Subject, *, kind: str, recipient: str, title: str, body: str,
          language: str) -> OutboxMessage:
    """Put a message in the outbox; it is handed to SMTP once the transaction commits."""
    message = OutboxMessage(subject=subject, kind=kind, recipient=recipient, title=title,
                            body=body, language=language,
                            status=Status.QUEUED if smtp_configured() else Status.STORED)
    db.session.add(message)
    db.session.flush()
    audit.record(AuditAction.NOTIFICATION_SENT, actor="system", subject=subject,
                 objects={"message": message.id}, kind=kind, channel=message.status.value)
    after_commit(functools.partial(dispatch, message.id))
    return message


def dispatch(message_id: int) -> None:
    """Hand a committed message to the queue, which sends it over SMTP."""
    if smtp_configured():
        enqueue("outbox.send", message_id)


@task("outbox.send")
def send_task(message_id: int) -> None:
    """Send one queued message; a failure is retried by requeueing, up to MAX_ATTEMPTS."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != Status.QUEUED:
        return  # erased meanwhile, or already sent: sending twice would be worse
    message.attempts += 1
    try:
        deliver(message)
    except (OSError, smtplib.SMTPException) as error:
        message.last_error = type(error).__name__
        if message.attempts >= MAX_ATTEMPTS:
            message.status = Status.FAILED
            audit.record(AuditAction.NOTIFICATION_FAILED, actor="system",
                         subject=message.subject, objects={"message": message.id},
                         attempts=message.attempts, error=message.last_error)
        db.session.commit()
        if message.status == Status.QUEUED:
            enqueue_in(RETRY_SECONDS * 2 ** (message.attempts - 1), "outbox.send", message_id)
        return
    message.status, message.sent_at, message.last_error = Status.SENT, utcnow(), None
    message.body = _LINK.sub("[link]", message.body)
    db.session.commit()


def deliver(message: OutboxMessage) -> None:
    """Send a message through the configured SMTP server."""
    config = current_app.config
    email = EmailMessage()
    email["From"] = formataddr((config.get("MAIL_SENDER_NAME", "Fairscreen"),
                                config.get("MAIL_SENDER", "no-reply@fairscreen.invalid")))
    email["To"] = str(message.recipient)
    email["Subject"] = str(message.title)
    email["Message-ID"] = make_msgid(domain="fairscreen")
    email.set_content(str(message.body))
    port = int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(email)


def recent(limit: int = 100) -> list[OutboxMessage]:
    """Return the newest messages for the admins' outbox page."""
    return list(db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def for_subject(subject: Subject) -> list[OutboxMessage]:
    """Return the messages sent to one subject, oldest first."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject_id == subject.id)
        .order_by(OutboxMessage.id)))
