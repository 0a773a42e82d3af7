"""The demo's mailbox: staff never see candidates' links, so the demo's user follows them here."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import re
import threading

import pytest
from click import UsageError

from compliance.mailcatcher import serve
from compliance.outbox import OutboxMessage, Status
from tests.conftest import free_port
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    app_config,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)


@pytest.fixture
def catcher():
    port, printed, stop = free_port(), [], threading.Event()
    thread = threading.Thread(target=serve, args=("127.0.0.1", port, printed.append, stop),
                              daemon=True)
    thread.start()
    for _ in range(100):
        if printed:  # it says so once it listens
            break
        threading.Event().wait(0.05)
    yield port, printed
    stop.set()
    thread.join(timeout=10)


def test_the_demo_candidate_follows_the_link_the_catcher_prints(app, client, db, login,
                                                               recruiter, case_candidate,
                                                               catcher):
    port, printed = catcher
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert message.status == Status.SENT and "/consent/" not in message.body
    mail = printed[-1]
    assert mail.startswith("--- mail to jamie@example.org: May we look at your public posts")
    consent = re.search(r"https?://[^/\s]+(/consent/[\w-]+)", mail).group(1)
    assert app.test_client().get(consent).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "localhost.evil.example"])
def test_the_catcher_listens_on_loopback_only(host):
    stopped = threading.Event()
    stopped.set()  # were it to listen, it would return at once, and the test fail
    with pytest.raises(UsageError):
        serve(host, free_port(), print, stopped)


def test_the_command_refuses_a_public_address(runner):
    result = runner.invoke(args=["mailcatcher", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "loopback only" in result.output
