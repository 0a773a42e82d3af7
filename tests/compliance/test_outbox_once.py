"""Each message reaches the SMTP server at most once, under one Message-ID, whoever dies when.

A real SMTP server on 127.0.0.1 (aiosmtpd). A consumer's death is played by stopping after the
step it would have died after; the scale-out proof (tests/test_scale_out.py) kills real ones.
"""

from datetime import timedelta
from email.parser import BytesParser

import pytest

from compliance import outbox
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.outbox import OutboxMessage, Status
from tests.compliance.conftest import stored
from tests.conftest import mail_config


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp)


def lapse(db, message_id: int) -> None:
    """The consumer holding the message has been gone longer than its lease."""
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def failures(db) -> list[dict]:
    db.session.rollback()
    return [e.details for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.NOTIFICATION_FAILED.value))]


def test_every_attempt_carries_the_same_message_id(app, db, inbox, crashed):
    inbox.replies = ["451 4.3.0 try again later"]
    outbox.send_task(crashed)  # deferred; the retry runs at once in tests (immediate queue)
    assert inbox.attempts == 2 and len(inbox.messages) == 1
    email = BytesParser().parsebytes(inbox.messages[0][1])
    name = outbox.message_id(crashed)
    assert email["Message-ID"] == f"<{name}@fairscreen>"
    assert name.startswith(f"outbox.{crashed}.") and str(app.config["SECRET_KEY"]) not in name
    assert stored(db, crashed).attempts == 2


def test_a_consumer_that_died_after_handing_over_is_never_followed_by_a_second_send(
        db, inbox, crashed):
    held = outbox.claim(crashed)
    outbox._HandOver(crashed, held)()  # the server has the envelope; then the consumer dies
    message = stored(db, crashed)
    assert message.status == Status.SENDING and message.attempts == 1
    assert outbox.resend_task() == 0  # its lease holds: it may still hear back
    assert stored(db, crashed).status == Status.SENDING
    lapse(db, crashed)
    outbox.resend_task()
    outbox.send_task(crashed)  # a copy of its task, however late, sends nothing either
    assert inbox.messages == [] and inbox.attempts == 0
    message = stored(db, crashed)
    assert message.status == Status.FAILED and message.last_error == outbox.IN_DOUBT
    assert "/consent/" not in message.body  # nobody may hold its links now
    assert failures(db) == [{"kind": "consent_request", "attempts": 1,
                             "error": outbox.IN_DOUBT, "retriable": False}]


def test_a_consumer_whose_claim_was_taken_over_sends_no_content(db, inbox, crashed):
    slow = outbox.claim(crashed)
    lapse(db, crashed)  # the slow consumer's lease lapsed, another took the message
    assert outbox.claim(crashed) == slow + 1
    message = stored(db, crashed)
    with pytest.raises(outbox.ClaimLost):
        outbox.deliver(message, before_data=outbox._HandOver(crashed, slow))
    assert inbox.attempts == 0  # the server never got the content
    assert stored(db, crashed).status == Status.QUEUED


def test_a_message_whose_server_hangs_up_after_the_content_is_not_sent_again(
        app, db, inbox, crashed, monkeypatch):
    """The connection drops after the content went out: it may have arrived, so never again."""
    real_data = outbox._SMTP.data

    def data_then_hang_up(smtp, msg):
        real_data(smtp, msg)
        raise outbox.smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(outbox._SMTP, "data", data_then_hang_up)
    outbox.send_task(crashed)
    assert len(inbox.messages) == 1
    monkeypatch.undo()
    outbox.resend_task()
    outbox.send_task(crashed)
    assert len(inbox.messages) == 1
    message = stored(db, crashed)
    assert message.status == Status.FAILED and message.last_error == outbox.IN_DOUBT


def test_a_server_that_refuses_the_content_is_tried_again(db, inbox, crashed):
    inbox.replies = ["554 5.6.0 content refused"]
    outbox.send_task(crashed)
    message = stored(db, crashed)
    assert message.status == Status.FAILED and message.attempts == 1
    assert message.last_error == "SMTPDataError 554"
    assert inbox.messages == []
