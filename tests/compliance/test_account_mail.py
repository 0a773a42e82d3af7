"""Invitation and reset e-mails go the outbox's way: sealed at rest, retried, sent at most once.

The attacks: read the task queue's storage (the huey SQLite file, or Redis) and the database
while a mail waits, looking for the link that would let anyone set the account's password; make
the mail server refuse the first attempt; send again or withdraw while the first mail still
waits, so that a dead link is never what arrives. The queue is a real huey queue, not the
immediate mode of the other tests, and the mail arrives at a real SMTP server.
"""

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from compliance.accounts import Role, find_user
from compliance.audit import AuditAction, AuditEvent
from compliance.db import db as _db
from compliance.outbox import OutboxMessage, Status
from compliance.staff_mail import existing_mail_subject
from tests.compliance.test_account_links import LINK, NEW_PASSWORD, invite, mailed, token_in
from tests.compliance.test_queue import REDIS_URL, redis_reason
from tests.conftest import mail_config

QUEUED_BY_HUEY = {"HUEY_IMMEDIATE": False}


@pytest.fixture
def queue_config() -> dict:
    """Override per test: how the huey queue of the `app` is set up."""
    return QUEUED_BY_HUEY


@pytest.fixture
def app_config(smtp, queue_config):
    return mail_config(smtp, PUBLIC_URL="http://fairscreen.test", **queue_config)


@pytest.fixture
def admin(make_user, login):
    user = make_user(Role.ADMIN)
    login(user)
    return user


def drain(app) -> None:
    """Run what the queue holds, as a consumer would: read back from its storage."""
    huey = app.extensions["huey"]
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    _db.session.rollback()


def queue_bytes(app) -> bytes:
    """Everything the queue's storage holds: its messages, and for SQLite its files."""
    huey = app.extensions["huey"]
    held = b"".join(huey.storage.enqueued_items()) + b"".join(
        huey.storage.scheduled_items())
    filename = getattr(huey.storage, "filename", None)
    if filename:
        for path in (Path(filename), Path(f"{filename}-wal")):
            if path.exists():
                held += path.read_bytes()
    return held


def database_text(db) -> str:
    """Every row of every table, as text."""
    db.session.rollback()
    rows = []
    for table in db.metadata.sorted_tables:
        rows += [repr(tuple(row)) for row in db.session.execute(
            text(f'SELECT * FROM "{table.name}"'))]
    db.session.rollback()
    return "\n".join(rows)


def messages(db) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def flushed_queue(app):
    yield app.extensions["huey"]
    if app.config.get("REDIS_URL"):
        app.extensions["huey"].storage.flush_all()


@pytest.mark.parametrize("queue_config", [
    QUEUED_BY_HUEY,
    {**QUEUED_BY_HUEY, "REDIS_URL": REDIS_URL, "HUEY_NAME": f"fairscreen-test-{uuid.uuid4().hex}"},
], ids=["sqlite-queue", "redis-queue"])
def test_no_link_sits_in_clear_in_the_queue_or_the_database(app, client, db, admin, make_user,
                                                            inbox, flushed_queue):
    if app.config.get("REDIS_URL") and (reason := redis_reason()):
        pytest.skip(reason)
    colleague = make_user()
    assert invite(client).status_code == 302
    client.post("/logout")
    assert client.post("/password/forgot", data={"email": colleague.email}).status_code == 200
    assert client.post("/password/forgot",
                       data={"email": "nobody@example.test"}).status_code == 200
    huey = flushed_queue
    # The queue carries one message id per e-mail, nothing else; the unknown address, nothing.
    pending = [(task.name, task.args) for task in huey.pending()]
    ids = [m.id for m in messages(db)]
    assert sorted(pending) == [("outbox.send", (i,)) for i in ids] and len(ids) == 2
    queued, stored = queue_bytes(app), database_text(db)
    assert inbox.messages == []  # nothing sent yet: the links exist only in sealed rows

    drain(app)
    arrived = mailed(inbox)
    assert sorted(to for to, _s, _b in arrived) == sorted(
        ["new.person@example.test", colleague.email])
    tokens = [token_in(body) for _to, _s, body in arrived]
    for token in tokens:
        assert token.encode() not in queued
        assert token not in stored
        assert token not in database_text(db)  # nor once sent: the stored copy is masked
    for message in messages(db):
        assert message.status == Status.SENT and "[link]" in message.body
        assert not LINK.search(message.body)


@pytest.mark.parametrize("queue_config", [{}])  # immediate: the retry comes at once
@pytest.mark.parametrize("ask", ["invitation", "reset"])
def test_a_refused_first_attempt_is_retried_and_the_mail_arrives_once(client, db, admin,
                                                                      make_user, inbox, ask):
    inbox.replies = ["451 4.3.0 try again later"]
    if ask == "invitation":
        assert invite(client).status_code == 302
        user = find_user("new.person@example.test")
        path = "/invitation/"
    else:
        user = make_user()
        client.post("/logout")
        client.post("/password/forgot", data={"email": user.email})
        path = "/password/reset/"
    assert inbox.attempts == 2
    [(to, _subject, body)] = mailed(inbox)
    assert to == user.email
    [message] = messages(db)
    assert message.status == Status.SENT and message.attempts == 2
    assert message.subject_id == existing_mail_subject(user).id  # sealed under their own
    assert message.kind == ("invitation" if ask == "invitation" else "password_reset")
    client.post("/logout")
    raw = token_in(body)
    assert client.post(f"{path}{raw}", data={"new_password": NEW_PASSWORD}).status_code == 302


def failed_events(db) -> list[dict]:
    return [e.details for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.NOTIFICATION_FAILED.value).order_by(AuditEvent.seq))]


def test_a_link_sent_again_before_the_first_went_out_arrives_once_and_works(
        app, client, db, admin, inbox):
    invite(client)
    user = find_user("new.person@example.test")
    assert client.post(f"/admin/users/{user.id}/invitation/resend").status_code == 302
    drain(app)
    [(_to, _subject, body)] = mailed(inbox)  # the first, with its dead link, is never sent
    first, second = messages(db)
    assert (first.status, first.last_error, second.status) == (
        Status.FAILED, "Superseded", Status.SENT)
    assert "[link]" in first.body and not LINK.search(first.body)
    assert failed_events(db) == [{"kind": "invitation", "attempts": 0, "error": "Superseded",
                                  "retriable": False}]
    client.post("/logout")
    assert client.get(f"/invitation/{token_in(body)}").status_code == 200


def test_a_reset_asked_twice_before_the_first_went_out_arrives_once(app, client, db,
                                                                    make_user, inbox):
    user = make_user()
    for _ in range(2):
        client.post("/password/forgot", data={"email": user.email})
    drain(app)
    [(_to, _subject, body)] = mailed(inbox)
    assert [m.status for m in messages(db)] == [Status.FAILED, Status.SENT]
    assert client.get(f"/password/reset/{token_in(body)}").status_code == 200


def test_a_withdrawn_invitation_is_never_sent(app, client, db, admin, inbox):
    invite(client)
    user = find_user("new.person@example.test")
    assert client.post(f"/admin/users/{user.id}/invitation/revoke").status_code == 302
    drain(app)
    assert inbox.attempts == 0
    [message] = messages(db)
    assert (message.status, message.last_error) == (Status.FAILED, "Withdrawn")
    assert not LINK.search(message.body)


def test_the_outbox_page_shows_a_waiting_invitation_without_its_link(app, client, db, admin,
                                                                     inbox):
    invite(client)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "You are invited to Fairscreen" in page and "new.person@example.test" in page
    assert "/invitation/" not in page and "[link]" in page
    drain(app)
    assert len(inbox.messages) == 1
