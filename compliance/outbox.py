"""The outbox: every e-mail is stored (encrypted) and sent over SMTP; admins see it masked.

A message's body holds the candidate's single-purpose links, which act in the candidate's name:
staff never see them. The admins' page shows every body with its links replaced, and once a
message is sent or has failed for good the stored copy keeps only that masked body, so the
database holds a usable link only while a message waits to be sent. Without SMTP a message is
kept, not delivered (the demo runs a local mail catcher, `flask mailcatcher`, instead); once
SMTP is configured, the periodic sweep sends what was kept while it is still recent.

Each message goes to SMTP at most once, whichever consumers die and whatever the queue forgets:
a consumer claims it (a lease in the database), and the message is marked `sending`, committed,
after the server accepted its envelope and before its content goes out. A consumer that dies
after that leaves a message whose delivery is in doubt: it is never sent again but ends failed
("InDoubt"), visible on the outbox page. Every attempt carries the same Message-ID, derived
from the message's id, so a receiver can still tell copies apart.
"""

import enum
import functools
import hashlib
import hmac
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import ForeignKey, Integer, String, Text, and_, exists, or_, select, update
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from compliance import audit, policy
from compliance.audit import AuditAction
from compliance.branding import current_brand
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.mail import HeaderName, build, header
from compliance.oncommit import after_commit
from compliance.personal import PersonalText
from compliance.queue import enqueue, enqueue_in, periodic, recovery, task
from compliance.staff_mail import StaffMailSubject
from compliance.subjects import Subject

MAX_ATTEMPTS = 5
RETRY_SECONDS = 60  # then 2, 4 and 8 minutes: a mail server has time to come back
IN_DOUBT = "InDoubt"  # handed to the server by a consumer that died before it heard back
# How long one consumer holds a message it sends: far longer than an SMTP exchange (MAIL_TIMEOUT),
# so only a consumer that died lets it lapse. A queued message nobody took for this long (a crash
# between commit and enqueue) is taken up again by the sweep.
LEASE_SECONDS = 300
# FAIRSCREEN_OUTBOX_RETRY_SECONDS and FAIRSCREEN_OUTBOX_LEASE_SECONDS change the two above.
LINK_PLACEHOLDER = "[link]"
_LINK = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)
# A link's token is 43 URL-safe characters (compliance.tokens); a link written without a scheme
# (a PUBLIC_URL set to a bare host name) would still carry one.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}")


class Status(enum.StrEnum):
    STORED = "stored"  # no SMTP configured: kept, until one is (see `promote_stored`)
    QUEUED = "queued"
    SENDING = "sending"  # handed to the SMTP server; sent, unless its consumer died (in doubt)
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
    # Raised by every claim; until `claimed_until` no other consumer may send the message.
    claim: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subject: Mapped[Subject] = relationship()


def smtp_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def lease_seconds() -> float:
    return float(current_app.config.get("OUTBOX_LEASE_SECONDS", LEASE_SECONDS))


def retry_seconds() -> float:
    return float(current_app.config.get("OUTBOX_RETRY_SECONDS", RETRY_SECONDS))


def store(subject: Subject, *, kind: str, recipient: str, title: str, body: str,
          language: str, about: dict[str, int] | None = None) -> OutboxMessage:
    """Put a message in the outbox; with SMTP, it is handed to the queue once the caller commits.

    `about` names, by id, what a message to staff concerns (a candidate, a vacancy), for the audit.
    """
    message = OutboxMessage(subject=subject, kind=kind, recipient=recipient, title=title,
                            body=body, language=language,
                            status=Status.QUEUED if smtp_configured() else Status.STORED)
    db.session.add(message)
    db.session.flush()
    audit.record(AuditAction.NOTIFICATION_SENT, actor="system", subject=subject,
                 objects={**(about or {}), "message": message.id}, kind=kind,
                 channel=message.status.value)
    # Handed to the queue once the caller commits: nothing is sent for a rolled-back change,
    # and no caller (page, API, background run) can forget to send.
    after_commit(functools.partial(_hand_over, message.id, message.status))
    return message


def _hand_over(message_id: int, status: Status) -> None:
    if status == Status.QUEUED:  # without SMTP the outbox keeps it (see the admin pages)
        enqueue("outbox.send", message_id)


def claim(message_id: int, *, held: int | None = None) -> int | None:
    """Take a queued message for sending, committed; None if another consumer holds it.

    Free is a message never taken, or one whose lease lapsed (its consumer died); `held` is the
    claim a retry carries, so a retry takes back its own message before the lease ends. One
    UPDATE checked by its row count: of two consumers racing, exactly one wins.
    """
    now = utcnow()
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    if held is not None:
        free = or_(free, OutboxMessage.claim == held)
    taken = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == Status.QUEUED, free)
        .values(claim=OutboxMessage.claim + 1,
                claimed_until=now + timedelta(seconds=lease_seconds()))
        .execution_options(synchronize_session=False))
    db.session.commit()  # other consumers must see the claim before anything is sent
    if taken.rowcount != 1:
        return None
    return db.session.scalar(select(OutboxMessage.claim).where(OutboxMessage.id == message_id))


class ClaimLost(RuntimeError):
    """Another consumer took the message meanwhile (this one's lease lapsed): do not send."""


class _HandOver:
    """Mark the message `sending`, committed, just before the server gets its content."""

    def __init__(self, message_id: int, held: int):
        self.message_id, self.held, self.done = message_id, held, False

    def __call__(self) -> None:
        taken = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == self.message_id, OutboxMessage.claim == self.held,
                   OutboxMessage.status == Status.QUEUED)
            .values(status=Status.SENDING, attempts=OutboxMessage.attempts + 1,
                    claimed_until=utcnow() + timedelta(seconds=lease_seconds()))
            .execution_options(synchronize_session=False))
        db.session.commit()
        if taken.rowcount != 1:
            raise ClaimLost(self.message_id)
        self.done = True


@task("outbox.send")
def send_task(message_id: int, held: int | None = None) -> None:
    """Send one queued message: sent, retried later when that may help, or failed for good."""
    held = claim(message_id, held=held)
    if held is None:
        return  # erased, sent, or being sent by another consumer: sending twice would be worse
    message = db.session.get(OutboxMessage, message_id)
    hand_over = _HandOver(message_id, held)
    try:
        deliver(message, before_data=hand_over)
    except ClaimLost:
        db.session.rollback()
        return
    except Exception as error:  # every failure ends in a state and an audit event
        # A reply to the content is the server's word that it did not take it; anything else
        # once the content went out (a cut connection) leaves the delivery in doubt.
        if hand_over.done and not isinstance(error, smtplib.SMTPResponseException):
            db.session.rollback()
            _settle_in_doubt(message_id, held)
        else:
            _attempt_failed(message_id, error, counted=hand_over.done)
        return
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None:  # its subject was erased while it was being sent
        db.session.rollback()
        return
    message.status, message.sent_at, message.last_error = Status.SENT, utcnow(), None
    message.body = mask_links(message.body)
    db.session.commit()


def _settle_in_doubt(message_id: int, held: int | None = None) -> None:
    """End as failed, committed, a message handed to the server whose outcome is unknown."""
    waiting = [OutboxMessage.id == message_id, OutboxMessage.status == Status.SENDING]
    if held is not None:
        waiting.append(OutboxMessage.claim == held)
    taken = db.session.execute(update(OutboxMessage).where(*waiting)
                               .values(status=Status.FAILED)
                               .execution_options(synchronize_session=False))
    if taken.rowcount == 1:
        _given_up(db.session.get(OutboxMessage, message_id, populate_existing=True), IN_DOUBT)
        current_app.logger.warning("outbox: message %s may have been sent; not sent again",
                                   message_id)
    db.session.commit()


def _attempt_failed(message_id: int, error: Exception, *, counted: bool = False) -> None:
    """Retry a temporary failure, up to MAX_ATTEMPTS; any other ends the message as failed.

    `counted`: the attempt was already counted when the message was handed over.
    """
    db.session.rollback()  # whatever failed may have left the transaction unusable
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status not in (Status.QUEUED, Status.SENDING):
        return
    if not counted:
        message.attempts += 1
    message.status = Status.QUEUED
    # The class and the reply code only: a server's reply text may quote the address.
    message.last_error = describe(error)
    again = retriable(error) and message.attempts < MAX_ATTEMPTS
    current_app.logger.warning("outbox: message %s, attempt %s: %s%s", message.id,
                               message.attempts, message.last_error,
                               ", will retry" if again else ", failed")
    delay = retry_seconds() * 2 ** (message.attempts - 1)
    if again:  # the retry carries the claim; nobody else takes the message meanwhile
        message.claimed_until = utcnow() + timedelta(seconds=delay + lease_seconds())
    else:
        message.status = Status.FAILED
        message.body = mask_links(message.body)  # never sent: nobody may hold its links
        audit.record(AuditAction.NOTIFICATION_FAILED, actor="system",
                     subject=message.subject, objects={"message": message.id},
                     kind=message.kind, attempts=message.attempts, error=message.last_error,
                     retriable=retriable(error))
    held = message.claim
    db.session.commit()
    if again:
        enqueue_in(delay, "outbox.send", message_id, held)


@recovery("outbox.resend")
@periodic("outbox.resend", crontab(minute="*"))
def resend_task() -> int:
    """Hand the queue what a crash left queued (never taken, or taken by a consumer that died)
    and, once SMTP is configured, what was stored without it and is still worth sending.
    A message a dead consumer left in doubt is settled as failed, never sent again."""
    now = utcnow()
    promoted = promote_stored(now) if smtp_configured() else []
    for message_id in db.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.status == Status.SENDING, OutboxMessage.claimed_until < now)).all():
        _settle_in_doubt(message_id)
    stale = now - timedelta(seconds=lease_seconds())
    left = db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == Status.QUEUED,
        or_(OutboxMessage.claimed_until < now,
            and_(OutboxMessage.claimed_until.is_(None), OutboxMessage.created_at < stale)))
        .order_by(OutboxMessage.id)).all()
    db.session.commit()  # end the read before each send opens its own transaction
    again = sorted(set(left) - set(promoted))
    for message_id in sorted(set(left) | set(promoted)):
        enqueue("outbox.send", message_id)  # the claim in send_task keeps it to one sender
    if again:
        current_app.logger.warning("outbox: %s queued messages handed over again", len(again))
    return len(again) + len(promoted)


def promote_stored(now: datetime) -> list[int]:
    """Settle, once and committed, every message stored while no SMTP server was configured.

    A message younger than STORED_MAIL_SEND_DAYS, whose subject is not being erased and that no
    later message of its kind to the same subject replaced (a request sent again revokes the
    earlier link), is queued: the caller hands it over, and the claim keeps it to one delivery.
    Any other one is never sent late: it ends as failed, its links masked, audited and counted
    in the log. Returns the ids queued.
    """
    young = now - timedelta(days=policy.STORED_MAIL_SEND_DAYS)
    later = aliased(OutboxMessage)
    # Staff mail is about many cases under one subject: a later message replaces none of it.
    staff = exists().where(StaffMailSubject.subject_id == OutboxMessage.subject_id)
    replaced = exists().where(later.subject_id == OutboxMessage.subject_id,
                              later.kind == OutboxMessage.kind, later.id > OutboxMessage.id,
                              ~staff)
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.created_at >= young, replaced)
        .join(Subject, OutboxMessage.subject_id == Subject.id)
        .where(OutboxMessage.status == Status.STORED, Subject.erasing_since.is_(None))
        .order_by(OutboxMessage.id)).all()
    queued, given_up = [], 0
    for message_id, is_young, is_replaced in rows:
        send = bool(is_young) and not is_replaced
        # Another sweep may settle the same message at the same time: the first update wins.
        taken = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == Status.STORED)
            .values(status=Status.QUEUED if send else Status.FAILED)
            .execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            continue
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if send:
            audit.record(AuditAction.NOTIFICATION_SENT, actor="system", subject=message.subject,
                         objects={"message": message.id}, kind=message.kind,
                         channel=Status.QUEUED.value, was=Status.STORED.value)
            queued.append(message_id)
            continue
        _given_up(message, "Superseded" if is_young else "StoredTooLong")
        given_up += 1
    db.session.commit()
    if given_up:  # counts only: which messages is in the audit log and on the outbox page
        current_app.logger.warning(
            "outbox: %s messages stored without SMTP not sent: older than %s days or replaced "
            "by a later one", given_up, policy.STORED_MAIL_SEND_DAYS)
    return queued


def withdraw(subject: Subject, kind: str, *, reason: str) -> int:
    """End, unsent, the subject's messages of this kind that still wait to be sent; flushes.

    For mail whose link no longer works (a newer link replaced it, the account is gone): it is
    never sent late, its links are masked, and each is audited as failed with `reason`. A message
    a consumer holds (being sent, or waiting for its retry) is left to it. Returns the count.
    """
    now = utcnow()
    waiting = and_(OutboxMessage.subject_id == subject.id, OutboxMessage.kind == kind,
                   OutboxMessage.status.in_([Status.STORED, Status.QUEUED]),
                   or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
    count = 0
    for message_id in db.session.scalars(select(OutboxMessage.id).where(waiting)).all():
        # A consumer may claim it meanwhile: the update that still finds it waiting wins.
        taken = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id, waiting)
            .values(status=Status.FAILED).execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            _given_up(db.session.get(OutboxMessage, message_id, populate_existing=True), reason)
            count += 1
    db.session.flush()
    return count


def _given_up(message: OutboxMessage, reason: str) -> None:
    """Record why a message marked failed was never sent; mask its links, audit it."""
    message.last_error = reason
    message.body = mask_links(message.body)  # never sent: nobody may hold its links
    audit.record(AuditAction.NOTIFICATION_FAILED, actor="system", subject=message.subject,
                 objects={"message": message.id}, kind=message.kind,
                 attempts=message.attempts, error=message.last_error, retriable=False)


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


def deliver(message: OutboxMessage, *,
            before_data: Callable[[], None] | None = None) -> None:
    """Send a message through the configured SMTP server, exactly as `mail.build` wrote it."""
    send_mail(str(message.recipient), str(message.title), str(message.body),
              message_id=message_id(message.id), before_data=before_data)


def message_id(outbox_id: int) -> str:
    """Name an outbox message for its Message-ID: the same on every attempt, unique to this
    instance (keyed by its secret, which the name does not reveal)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    instance = hmac.new(key, b"fairscreen-message-id", hashlib.sha256).hexdigest()[:16]
    return f"outbox.{outbox_id}.{instance}"


class _SMTP(smtplib.SMTP):
    """smtplib's client, calling `before_data` once the envelope is accepted."""

    before_data: Callable[[], None] | None = None

    def data(self, msg):  # smtplib's name
        if self.before_data is not None:
            self.before_data()
        return super().data(msg)


def send_mail(recipient: str, title: str, body: str, *, message_id: str | None = None,
              before_data: Callable[[], None] | None = None) -> None:
    """Send one e-mail through the configured SMTP server (also for staff: the DPO digest).

    Every header goes through `mail.header`, which never lets user text become a header line.
    `before_data` runs after the server accepted the envelope, before it gets the content: an
    exception there ends the exchange with nothing delivered.
    """
    config = current_app.config
    # The organisation is who writes (branding): an unknown sender's link looks like phishing.
    sender = header(HeaderName.FROM,
                    current_brand().name or config.get("MAIL_SENDER_NAME", "Fairscreen"),
                    address=config.get("MAIL_SENDER", "no-reply@fairscreen.invalid"))
    recipient_header = header(HeaderName.TO, address=recipient)
    wire = build(sender=sender, recipient=recipient_header,
                 subject=header(HeaderName.SUBJECT, title), body=body, message_id=message_id)
    port = int(config.get("MAIL_PORT", 25))
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    with _SMTP(config["MAIL_SERVER"], port, timeout=timeout) as smtp:
        smtp.before_data = before_data
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
    subject_id: int  # to note the read, never shown
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
    return [MaskedMessage(id=m.id, subject_id=m.subject_id, kind=m.kind, created_at=m.created_at,
                          recipient=str(m.recipient), title=mask_links(m.title),
                          body=mask_links(m.body), status=m.status, attempts=m.attempts,
                          last_error=m.last_error) for m in rows]


def for_subject(subject: Subject) -> list[OutboxMessage]:
    """Return the messages sent to one subject, oldest first."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject_id == subject.id)
        .order_by(OutboxMessage.id)))
