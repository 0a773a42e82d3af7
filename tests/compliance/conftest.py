"""Fixtures the compliance tests share."""

import pytest

from compliance import outbox
from compliance.outbox import OutboxMessage


@pytest.fixture
def crashed(db, make_candidate, monkeypatch) -> int:
    """Store a message whose hand-over to the queue was lost, as if the process died; no
    consumer has it yet."""
    candidate = make_candidate()
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "_hand_over", lambda *_args: None)
        message = outbox.store(candidate.subject, kind="consent_request",
                               recipient="jamie@example.org", title="Hello",
                               body="Open https://example.test/consent/abc\n", language="en")
        db.session.commit()
    return message.id


def stored(db, message_id: int) -> OutboxMessage:
    """Read a message as the database holds it now."""
    db.session.rollback()
    return db.session.get(OutboxMessage, message_id)
