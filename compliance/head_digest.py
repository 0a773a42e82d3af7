"""The DPO's daily digest: the audit log's latest signed head, e-mailed outside the database.

A copy in someone's mailbox is a witness the database's owner cannot rewrite. The periodic task
looks every hour and sends when the last digest is a day old, so a failed send is retried
within the hour. Without SMTP nothing leaves the machine, so nothing is sent.
"""

import re
import smtplib
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from huey import crontab
from sqlalchemy import select

from compliance import audit, outbox
from compliance.audit import AuditAction, AuditEvent
from compliance.db import db, utcnow
from compliance.organisation import get_settings
from compliance.queue import periodic
from compliance.witness import Head

EVERY = timedelta(hours=23)  # a day, less the slack of an hourly task
ADDRESS = re.compile(r"[^@\s<>\"(),;:\\\[\]]+@[^@\s<>\"(),;:\\\[\]]+\.[A-Za-z0-9-]{2,}")


def dpo_address() -> str | None:
    """Return the DPO contact if it is a plain e-mail address (it may be other contact text)."""
    contact = get_settings().dpo_contact or ""
    if any(not c.isprintable() for c in contact):  # never a header built from line breaks
        return None
    _name, address = parseaddr(contact)
    return address if ADDRESS.fullmatch(address) else None


def due(now: datetime) -> bool:
    """Tell whether a day has passed since the last digest was sent."""
    last = db.session.scalar(select(AuditEvent.at).where(
        AuditEvent.action == AuditAction.AUDIT_HEAD_SENT.value)
        .order_by(AuditEvent.seq.desc()).limit(1))
    return last is None or now - last >= EVERY


def send_digest(*, actor: str = "system", force: bool = False) -> bool:
    """Sign the head, commit it, and e-mail it to the DPO; record what happened. Commits."""
    address = dpo_address()
    if address is None or not outbox.smtp_configured() or not (force or due(utcnow())):
        db.session.rollback()
        return False
    head = audit.checkpoint_head()
    db.session.commit()  # the mailed head must be a stored one
    if head is None:
        return False
    settings = get_settings()
    lang = (settings.languages or ["en"])[0]
    with force_locale(lang):
        title = _("Signed audit log head of %(date)s", date=head["at"][:10])
        body = render_template("email/audit_head_digest.txt", head=Head.of(head))
    try:
        outbox.send_mail(address, title, body)
    except (OSError, smtplib.SMTPException) as error:
        audit.record(AuditAction.NOTIFICATION_FAILED, actor=actor, kind="audit_head_digest",
                     error=type(error).__name__)
        db.session.commit()
        return False
    audit.record(AuditAction.AUDIT_HEAD_SENT, actor=actor, channel="email", seq=head["seq"])
    db.session.commit()
    return True


@periodic("audit.head_digest", crontab(minute="7"))
def send_due_digest() -> None:
    """Send the DPO's digest when it is due."""
    send_digest()
