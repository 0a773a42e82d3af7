"""The outbox: every e-mail is stored (encrypted) and sent over SMTP; admins see it masked.

A message's body holds the candidate's single-purpose links, which act in the candidate's name:
staff never see them. The admins' page shows every body with its links replaced, and once a
message is sent or has failed for good the stored copy keeps only that masked body, so the
database holds a usable link only while a message waits to be sent. Without SMTP a message is
kept, not delivered (the demo runs a local mail catcher, `flask mailcatcher`, instead).
"""

import enum
import functools
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.mail import HeaderName, build, header
from compliance.oncommit import after_commit
from compliance.personal import PersonalText
from compliance.queue import enqueue, enqueue_in, task
from compliance.subjects import Subject

MAX_ATTEMPTS = 5
RETRY_SECONDS = 60  # then 2, 4 and 8 minutes: a mail server has time to come back
LINK_PLACEHOLDER = "[link]"
_LINK = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
# A link's token is 43 URL-safe characters (compliance.tokens); a link written without a scheme
# (a PUBLIC_URL set to a bare host name) would still carry one.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")


class Status(enum.StrEnum):
    STORED = "stored"  # no SMTP configured: kept, never delivered
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
    """Put a message in the outbox; with SMTP, it is handed to the queue once the caller commits."""
    message = OutboxMessage(subject=subject, kind=kind, recipient=recipient, title=title,
                            body=body, language=language,
                            status=Status.QUEUED if smtp_configured() else Status.STORED)
    db.session.add(message)
    db.session.flush()
    audit.record(AuditAction.NOTIFICATION_SENT, actor="system", subject=subject,
                 objects={"message": message.id}, kind=kind, channel=message.status.value)
    # Handed to the queue once the caller commits: nothing is sent for a rolled-back change,
    # and no caller (page, API, background run) can forget to send.
    after_commit(functools.partial(_hand_over, message.id, message.status))
    return message


def _hand_over(message_id: int, status: Status) -> None:
    if status == Status.QUEUED:  # without SMTP the outbox keeps it (see the admin pages)
        enqueue("outbox.send", message_id)


@task("outbox.send")
def send_task(message_id: int) -> None:
    """Send one queued message: sent, retried later when that may help, or failed for good."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != Status.QUEUED:
        return  # erased meanwhile, or already sent: sending twice would be worse
    message.attempts += 1
    try:
        deliver(message)
    except Exception as error:  # every failure ends in a state and an audit event
        _attempt_failed(message_id, error)
        return
    message.status, message.sent_at, message.last_error = Status.SENT, utcnow(), None
    message.body = mask_links(message.body)
    db.session.commit()


def _attempt_failed(message_id: int, error: Exception) -> None:
    """Retry a temporary failure, up to MAX_ATTEMPTS; any other ends the message as failed."""
    db.session.rollback()  # whatever failed may have left the transaction unusable
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != Status.QUEUED:
        return
    message.attempts += 1
    # The class and the reply code only: a server's reply text may quote the address.
    message.last_error = describe(error)
    again = retriable(error) and message.attempts < MAX_ATTEMPTS
    current_app.logger.warning("outbox: message %s, attempt %s: %s%s", message.id,
                               message.attempts, message.last_error,
                               ", will retry" if again else ", failed")
    if not again:
        message.status = Status.FAILED
        message.body = mask_links(message.body)  # never sent: nobody may hold its links
        audit.record(AuditAction.NOTIFICATION_FAILED, actor="system",
                     subject=message.subject, objects={"message": message.id},
                     kind=message.kind, attempts=message.attempts, error=message.last_error,
                     retriable=retriable(error))
    db.session.commit()
    if again:
        enqueue_in(RETRY_SECONDS * 2 ** (message.attempts - 1), "outbox.send", message_id)


def retriable(error: BaseException) -> bool:
    """Whether sending again may work: a 4xx reply, or a server that could not be reached."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(
            400 <= code < 500 for code, _reply in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, ssl.SSLError | smtplib.SMTPException):
        return False  # a certificate or a server that lacks what is asked: configuration
    return isinstance(error, OSError)  # refused, reset, timed out, name not resolved


def describe(error: BaseException) -> str:
    """Name a failure without its text: the class, and the SMTP reply code if there is one."""
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code = max(reply[0] for reply in error.recipients.values())
    return f"{type(error).__name__} {code}" if isinstance(code, int) else type(error).__name__


def deliver(message: OutboxMessage) -> None:
    """Send a message through the configured SMTP server, exactly as `mail.build` wrote it."""
    send_mail(str(message.recipient), str(message.title), str(message.body))


def send_mail(recipient: str, title: str, body: str) -> None:
    """Send one e-mail through the configured SMTP server (also for staff: the DPO digest).

    Every header goes through `mail.header`, which never lets user text become a header line.
    """
    config = current_app.config
    sender = header(HeaderName.FROM, config.get("MAIL_SENDER_NAME", "Fairscreen"),
                    address=config.get("MAIL_SENDER", "no-reply@fairscreen.invalid"))
    recipient_header = header(HeaderName.TO, address=recipient)
    wire = build(sender=sender, recipient=recipient_header,
                 subject=header(HeaderName.SUBJECT, title), body=body)
    port = int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.sendmail(sender.address, [recipient_header.address], wire)


def mask_links(text: str) -> str:
    """Replace every link, and anything shaped like a link's token, by a placeholder."""
    return _TOKEN.sub(LINK_PLACEHOLDER, _LINK.sub(LINK_PLACEHOLDER, str(text)))


@dataclass(frozen=True)
class MaskedMessage:
    """A message as staff may see it: its metadata, and its text without usable links."""

    id: int
    kind: str
    created_at: datetime
    recipient: str
    title: str
    body: str
    status: Status
    attempts: int
    last_error: str | None


def recent_masked(limit: int = 100) -> list[MaskedMessage]:
    """Return the newest messages for the admins' outbox page, every link masked."""
    rows = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    return [MaskedMessage(id=m.id, kind=m.kind, created_at=m.created_at,
                          recipient=str(m.recipient), title=mask_links(m.title),
                          body=mask_links(m.body), status=m.status, attempts=m.attempts,
                          last_error=m.last_error) for m in rows]


def for_subject(subject: Subject) -> list[OutboxMessage]:
    """Return the messages sent to one subject, oldest first."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject_id == subject.id)
        .order_by(OutboxMessage.id)))
