"""E-mail through a real SMTP server on 127.0.0.1 (aiosmtpd), with retries."""

import socket

import pytest
from aiosmtpd.controller import Controller

from compliance import outbox
from compliance.outbox import OutboxMessage, Status


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_config(smtp):
    from tests.case.conftest import FAST

    controller, _inbox = smtp
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
            "MAIL_SENDER": "jobs@acme.test", "SOURCE_CLIENT_SETTINGS": FAST}


def test_consent_request_is_sent_over_smtp_and_its_links_masked(client, db, login, recruiter,
                                                                 case_candidate, smtp):
    _controller, inbox = smtp
    inbox.messages.clear()
    login(recruiter)
    assert client.post(f"/candidates/{case_candidate.id}/consent-request").status_code == 302
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == ["jamie@example.org"]
    assert "From: Fairscreen <jobs@acme.test>" in content and "/consent/" in content
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert message.status == Status.SENT and message.sent_at is not None
    assert "/consent/" not in message.body and "[link]" in message.body


def test_unreachable_server_is_retried_then_marked_failed(app, db, client, login, recruiter,
                                                         case_candidate, smtp):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert message.status == Status.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS and message.last_error
    assert "/consent/" in message.body  # never delivered: the admin still has the text


def test_the_screened_notice_is_sent_over_smtp_after_the_run(client, db, login, recruiter,
                                                               case_candidate, blog, smtp):
    """Art. 14: the "what we found" notice used to stay queued; the run's commit sends it."""
    import re

    _controller, inbox = smtp
    inbox.messages.clear()
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    consent_link = re.search(r"/consent/[\w-]+", inbox.messages[0][1]).group(0)
    answer = client.post(consent_link, data={"agree-rss": "yes", "account-rss": blog,
                                             "agree-github": "no", "agree-x-archive": "no"})
    assert answer.status_code == 302
    client.post(f"/candidates/{case_candidate.id}/screening")
    subjects = [content.split("Subject: ", 1)[1].split("\n", 1)[0] for _r, content in
                inbox.messages]
    assert len(subjects) == 2 and "What we found" in subjects[1]
    db.session.rollback()
    statuses = {m.kind: m.status for m in db.session.scalars(db.select(OutboxMessage))}
    assert statuses == {"consent_request": Status.SENT, "screened_notice": Status.SENT}
