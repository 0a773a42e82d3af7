"""E-mail through a real SMTP server on 127.0.0.1 (aiosmtpd): headers, retries, failures, resends.

The attacks: vacancy titles that try to become headers of the candidate's e-mail, and messages
that cannot be delivered, which must end as failed with an audit event, never queued for ever.
"""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest

from compliance import outbox
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.outbox import OutboxMessage, Status
from tests.compliance.conftest import stored
from tests.conftest import free_port, mail_config
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)

HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "Content-Type",
           "Content-Transfer-Encoding", "MIME-Version"]
STRICT = policy.SMTP.clone(raise_on_defect=True)


@pytest.fixture
def app_config(smtp):
    from tests.screening.case.conftest import FAST

    return mail_config(smtp, SOURCE_CLIENT_SETTINGS=FAST)


def arrived(inbox) -> tuple[list[str], object]:
    """The one message that arrived, parsed strictly as a mail client would."""
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    return recipients, BytesParser(policy=STRICT).parsebytes(content)


def the_message(db) -> OutboxMessage:
    db.session.rollback()
    return db.session.scalars(db.select(OutboxMessage)).one()


def failures(db) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.NOTIFICATION_FAILED.value)))


def test_consent_request_is_sent_over_smtp_and_its_links_masked(client, db, login, recruiter,
                                                                case_candidate, inbox):
    login(recruiter)
    assert client.post(f"/candidates/{case_candidate.id}/consent-request").status_code == 302
    recipients, email = arrived(inbox)
    assert recipients == ["jamie@example.org"]
    assert email["From"] == '"Acme B.V." <jobs@acme.test>'  # the organisation writes
    assert "/consent/" in email.get_body().get_content()
    message = the_message(db)
    assert message.status == Status.SENT and message.sent_at is not None
    assert "/consent/" not in message.body and "[link]" in message.body


HOSTILE_TITLES = [
    # CVE-2024-6923: Python 3.11.7 decodes the encoded CR LF and writes it as a header line.
    ("=?utf-8?q?Jan=0D=0AReply-To:_x@evil.example?=",
     "=?utf-8?q?Jan=0D=0AReply-To:_x@evil.example?="),
    ("=?utf-8?b?SmFuDQpCY2M6IHhAZXZpbC5leGFtcGxl?=",
     "=?utf-8?b?SmFuDQpCY2M6IHhAZXZpbC5leGFtcGxl?="),
    ("Jan\rBcc: x@evil.example", "Jan Bcc: x@evil.example"),
    ("Jan\r\nBcc: x@evil.example", "Jan Bcc: x@evil.example"),
    ("Jan\x0bReply-To: x@evil.example", "Jan Reply-To: x@evil.example"),
    ("Jan\u2028Bcc: x@evil.example", "Jan Bcc: x@evil.example"),
    ("Jan\u2029\x85Cc: x@evil.example", "Jan Cc: x@evil.example"),
    ("Ontwikkelaar \u201cbackend\u201d =?x?=", "Ontwikkelaar \u201cbackend\u201d =?x?="),
]


@pytest.mark.parametrize(("title", "shown"), HOSTILE_TITLES)
def test_a_hostile_vacancy_title_stays_text_in_the_subject(client, db, login, recruiter,
                                                          make_vacancy, make_candidate, inbox,
                                                          title, shown):
    vacancy = make_vacancy(owner=recruiter, title=title)
    candidate = make_candidate(vacancy, email="jamie@example.org")
    login(recruiter)
    assert client.post(f"/candidates/{candidate.id}/consent-request").status_code == 302
    recipients, email = arrived(inbox)
    assert recipients == ["jamie@example.org"]  # no Bcc reached the envelope
    assert email.keys() == HEADERS
    assert email["Subject"] == f"May we look at your public posts for \u201c{shown}\u201d?"
    assert the_message(db).status == Status.SENT


@pytest.mark.parametrize(("title", "shown"), HOSTILE_TITLES)
def test_a_stored_hostile_subject_cannot_add_a_header(app, db, make_candidate, inbox, title,
                                                     shown):
    """Whatever reaches the outbox (not only rendered notices) goes through one header writer."""
    candidate = make_candidate()
    outbox.store(candidate.subject, kind="consent_request", recipient=candidate.email,
                 title=title, body=f"Body about {title}\n", language="en")
    db.session.commit()
    _recipients, email = arrived(inbox)
    assert email.keys() == HEADERS and email["Subject"] == shown
    assert the_message(db).status == Status.SENT


@pytest.mark.parametrize("address", [
    "jamie@example.org\r\nBcc: x@evil.example", "jamie@example.org, x@evil.example",
    "Jamie <x@evil.example>", "=?utf-8?q?x=0D=0A?=@example.org", "jamie@example.org\u2028"])
def test_a_hostile_recipient_is_refused_and_the_message_failed(app, db, make_candidate, inbox,
                                                              address):
    candidate = make_candidate()
    outbox.store(candidate.subject, kind="consent_request", recipient=address,
                 title="Hello", body="See http://127.0.0.1/consent/abc\n", language="en")
    db.session.commit()
    assert inbox.attempts == 0  # refused before any server saw it
    message = the_message(db)
    assert message.status == Status.FAILED and message.attempts == 1
    assert message.last_error == "InvalidMessage"
    [event] = failures(db)
    assert event.details["retriable"] is False


def test_a_permanent_refusal_fails_at_once_with_an_audit_event_without_personal_data(
        client, db, login, recruiter, case_candidate, inbox):
    inbox.replies = ["550 5.1.1 <jamie@example.org>: no such user Jamie Jansen"]
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    message = the_message(db)
    assert inbox.attempts == 1 and not inbox.messages
    assert message.status == Status.FAILED and message.attempts == 1
    assert message.last_error == "SMTPDataError 550"
    assert "/consent/" not in message.body  # never delivered: nobody may hold its links
    [event] = failures(db)
    assert event.objects == {"message": message.id}
    assert event.details == {"kind": "consent_request", "attempts": 1,
                             "error": "SMTPDataError 550", "retriable": False}
    stored = event.objects_json + event.details_json
    for personal in ("jamie", "Jamie", "Jansen", "Backend developer"):
        assert personal not in stored


def test_a_temporary_refusal_is_retried_until_it_is_sent(client, db, login, recruiter,
                                                         case_candidate, inbox):
    inbox.replies = ["451 4.3.0 try again later", "421 4.7.0 too busy"]
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    message = the_message(db)
    assert inbox.attempts == 3 and len(inbox.messages) == 1
    assert message.status == Status.SENT and message.attempts == 3 and not failures(db)


def test_a_server_that_always_defers_ends_failed_after_the_last_attempt(
        client, db, login, recruiter, case_candidate, inbox):
    inbox.replies = ["451 4.3.0 try again later"] * (outbox.MAX_ATTEMPTS + 2)
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    message = the_message(db)
    assert inbox.attempts == outbox.MAX_ATTEMPTS
    assert message.status == Status.FAILED and message.attempts == outbox.MAX_ATTEMPTS
    [event] = failures(db)
    assert event.details["error"] == "SMTPDataError 451" and event.details["retriable"] is True


def test_unreachable_server_is_retried_then_marked_failed(app, db, client, login, recruiter,
                                                         case_candidate, inbox):
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    message = the_message(db)
    assert message.status == Status.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert message.last_error == "ConnectionRefusedError"
    assert "/consent/" not in message.body and len(failures(db)) == 1


def test_a_failure_nobody_foresaw_still_ends_failed(app, db, client, login, recruiter,
                                                    case_candidate, inbox):
    app.config["MAIL_PORT"] = "not a port"
    login(recruiter)
    assert client.post(f"/candidates/{case_candidate.id}/consent-request").status_code == 302
    message = the_message(db)
    assert message.status == Status.FAILED and message.last_error == "ValueError"
    assert len(failures(db)) == 1


def test_every_message_of_a_case_is_sent_not_only_the_first(client, db, login, recruiter,
                                                           case_candidate, blog, inbox):
    """The notice after a screening is stored by a background run: it must be sent too."""
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    _recipients, email = arrived(inbox)
    consent = re.search(r"https?://[^/\s]+(/consent/[\w-]+)", email.get_body().get_content())
    answer = client.post(consent.group(1), data={
        "agree-rss": "yes", "account-rss": blog, "agree-github": "no", "agree-x-archive": "no"})
    assert answer.status_code == 302
    assert client.post(f"/candidates/{case_candidate.id}/screening").status_code == 302
    db.session.rollback()
    statuses = {m.kind: m.status for m in db.session.scalars(db.select(OutboxMessage))}
    # The recruiter's notices of the answer and the run are sent as well.
    assert statuses == {"consent_request": Status.SENT, "screened_notice": Status.SENT,
                        "staff_candidate_answered": Status.SENT, "staff_run_ended": Status.SENT}
    to_candidate = [content for rcpt, content in inbox.messages if rcpt != [recruiter.email]]
    assert len(to_candidate) == 2 and len(inbox.messages) == 4
    notice = BytesParser(policy=STRICT).parsebytes(to_candidate[1])
    assert notice["Subject"].startswith("What we found in your public posts")


# A crash between commit and enqueue, or a consumer killed mid-send, leaves a message queued:
# the periodic sweep sends it, and the claim keeps it to one delivery however often it runs.

def age(db, message_id: int, **changes) -> None:
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(**changes))
    db.session.commit()


def test_a_message_the_queue_never_got_is_sent_exactly_once(db, inbox, crashed):
    assert outbox.resend_task() == 0  # a fresh message may still be on its way to the queue
    assert inbox.messages == [] and stored(db, crashed).status == Status.QUEUED
    age(db, crashed, created_at=utcnow() - timedelta(seconds=outbox.LEASE_SECONDS + 1))
    assert outbox.resend_task() == 1
    assert outbox.resend_task() == 0
    assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["jamie@example.org"]
    message = stored(db, crashed)
    assert message.status == Status.SENT and message.claim == 1 and message.attempts == 1
    assert "[link]" in message.body


def test_a_claimed_message_waits_for_its_consumer_until_the_lease_lapses(db, inbox, crashed):
    age(db, crashed, created_at=utcnow() - timedelta(seconds=outbox.LEASE_SECONDS + 1))
    assert outbox.claim(crashed) == 1  # one consumer is sending it
    assert outbox.claim(crashed) is None  # a second one may not
    outbox.resend_task()
    outbox.send_task(crashed)  # nor may a duplicate of the queue's own task
    assert inbox.messages == []
    age(db, crashed, claimed_until=utcnow() - timedelta(seconds=1))  # that consumer died
    outbox.resend_task()
    outbox.resend_task()
    assert len(inbox.messages) == 1
    message = stored(db, crashed)
    assert message.status == Status.SENT and message.claim == 2


def test_a_retry_keeps_its_claim_and_the_sweep_leaves_it_alone(db, inbox, crashed, app):
    app.extensions["huey"].immediate = False  # the retry waits its minute, as in production
    try:
        inbox.replies = ["451 4.3.0 try again later"]
        outbox.send_task(crashed)
        message = stored(db, crashed)
        assert message.status == Status.QUEUED and message.attempts == 1
        assert outbox.resend_task() == 0  # the scheduled retry holds the message
        outbox.send_task(crashed, message.claim)  # the retry, when its time has come
    finally:
        app.extensions["huey"].immediate = True
    assert len(inbox.messages) == 1 and stored(db, crashed).status == Status.SENT


# Mail stored while no SMTP server was configured (the demo without its catcher) goes out once
# one is, while it is recent; older mail, or mail a later one replaced, is never sent late.

def without_smtp(app, store):
    """Store mail as an instance without SMTP would, then configure SMTP again."""
    server = app.config.pop("MAIL_SERVER")
    try:
        return store()
    finally:
        app.config["MAIL_SERVER"] = server


def audited(db, action: AuditAction, message_id: int) -> list[dict]:
    db.session.rollback()
    return [e.details for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == action.value).order_by(AuditEvent.seq))
        if e.objects == {"message": message_id}]


def test_mail_stored_without_smtp_is_sent_once_smtp_is_configured(app, client, db, recruiter,
                                                                  case_candidate, inbox):
    from screening.case import request_consent

    def ask():
        message = request_consent(case_candidate, actor=recruiter)
        db.session.commit()
        return message.id

    message_id = without_smtp(app, ask)
    assert stored(db, message_id).status == Status.STORED and inbox.attempts == 0
    app.config["MAIL_SERVER"] = None  # still none: the sweep leaves it stored
    assert outbox.resend_task() == 0 and stored(db, message_id).status == Status.STORED
    app.config["MAIL_SERVER"] = "127.0.0.1"
    assert outbox.resend_task() == 1
    assert outbox.resend_task() == 0  # settled once; the claim keeps it to one delivery
    recipients, email = arrived(inbox)
    assert recipients == ["jamie@example.org"] and email["To"] == "jamie@example.org"
    link = re.search(r"https?://[^/\s]+(/consent/[\w-]+)", email.get_body().get_content())
    assert client.get(link.group(1)).status_code == 200  # the link it carries still works
    message = stored(db, message_id)
    assert message.status == Status.SENT and message.attempts == 1
    assert "/consent/" not in message.body
    assert audited(db, AuditAction.NOTIFICATION_SENT, message_id) == [
        {"kind": "consent_request", "channel": "stored"},
        {"kind": "consent_request", "channel": "queued", "was": "stored"}]


def test_old_replaced_or_erasing_mail_stored_without_smtp_is_never_sent_late(
        app, db, make_candidate, inbox, caplog):
    from compliance import policy
    from compliance.subjects import Subject

    def store(candidate, kind="consent_request"):
        return outbox.store(candidate.subject, kind=kind, recipient=str(candidate.email),
                            title="Hello", body="Open https://example.test/consent/abc\n",
                            language="en").id

    def kept():
        old_one, erasing = make_candidate(email="old@example.org"), make_candidate(
            email="erasing@example.org")
        twice = make_candidate(email="twice@example.org")
        ids = {"old": store(old_one), "erasing": store(erasing), "replaced": store(twice),
               "latest": store(twice), "reminder": store(twice, "consent_reminder")}
        erasing.subject.erasing_since = utcnow()  # an erasure that has begun
        db.session.commit()
        return ids

    ids = without_smtp(app, kept)
    age(db, ids["old"], created_at=utcnow() - timedelta(days=policy.STORED_MAIL_SEND_DAYS,
                                                        minutes=1))
    with caplog.at_level("WARNING"):
        assert outbox.resend_task() == 2
    assert sorted(to[0] for to, _content in inbox.messages) == ["twice@example.org"] * 2
    status = {name: stored(db, i) for name, i in ids.items()}
    assert {name: m.status for name, m in status.items()} == {
        "old": Status.FAILED, "erasing": Status.STORED, "replaced": Status.FAILED,
        "latest": Status.SENT, "reminder": Status.SENT}
    assert (status["old"].last_error, status["replaced"].last_error) == (
        "StoredTooLong", "Superseded")
    assert "/consent/" not in status["old"].body and "[link]" in status["old"].body
    [failed] = audited(db, AuditAction.NOTIFICATION_FAILED, ids["old"])
    assert failed == {"kind": "consent_request", "attempts": 0, "error": "StoredTooLong",
                      "retriable": False}
    [warning] = [r.getMessage() for r in caplog.records if "not sent" in r.getMessage()]
    assert warning.startswith("outbox: 2 messages stored without SMTP not sent")
    assert "@" not in " ".join(r.getMessage() for r in caplog.records)
    assert outbox.resend_task() == 0 and len(inbox.messages) == 2  # nothing settled twice
    assert db.session.get(Subject, status["erasing"].subject_id).erasing_since is not None


def test_two_sweeps_at_once_deliver_stored_mail_once(app, db, make_candidate, inbox):
    import threading

    from compliance.db import db as _db

    def kept():
        candidate = make_candidate()
        message = outbox.store(candidate.subject, kind="consent_request",
                               recipient="jamie@example.org", title="Hello",
                               body="Open https://example.test/consent/abc\n", language="en")
        db.session.commit()
        return message.id

    message_id = without_smtp(app, kept)
    db.session.remove()
    barrier, errors = threading.Barrier(2), []

    def consumer():
        with app.app_context():
            try:
                barrier.wait()
                outbox.resend_task()
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(inbox.messages) == 1
    assert stored(db, message_id).status == Status.SENT
    assert len(audited(db, AuditAction.NOTIFICATION_SENT, message_id)) == 2  # stored, queued
