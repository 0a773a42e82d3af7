"""The attack: an admin reads a candidate's links in the outbox and acts in the candidate's name.

Each test first shows that the link in the stored message works, then that nothing on the
admin's page does: every link, path and token-shaped string on it is followed.
"""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import re

import pytest

from compliance.accounts import Role
from compliance.outbox import OutboxMessage, Status
from screening.case import request_consent
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

TOKEN_SHAPED = re.compile(r"[A-Za-z0-9_-]{16,}")
CANDIDATE_PATH = re.compile(r"/(?:consent|portal)/[^\s\"'<>]*")


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def stored_links(db) -> list[str]:
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage)).one()
    return re.findall(r"https?://[^/\s]+(/(?:consent|portal)/\S+)", str(message.body))


def assert_nothing_on_the_page_works(app, page: str, real_links: list[str]) -> None:
    stranger = app.test_client()
    for link in real_links:
        assert link.split("/")[2] not in page  # /consent/<token> or /portal/<token>[/withdraw]
    tried = set(CANDIDATE_PATH.findall(page))
    for shaped in TOKEN_SHAPED.findall(page):
        tried |= {f"/consent/{shaped}", f"/portal/{shaped}", f"/portal/{shaped}/withdraw"}
    for path in sorted(tried):
        assert stranger.get(path).status_code != 200, path


def ask(client, login, recruiter, candidate) -> None:
    login(recruiter)
    assert client.post(f"/candidates/{candidate.id}/consent-request").status_code == 302
    client.post("/logout")


def test_without_smtp_the_outbox_shows_the_message_but_no_usable_link(
        app, client, db, login, recruiter, admin, case_candidate):
    ask(client, login, recruiter, case_candidate)
    links = stored_links(db)
    assert len(links) == 3
    assert app.test_client().get(links[0]).status_code == 200  # the candidate's link works
    login(admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "jamie@example.org" in page and "May we look at your public posts" in page
    assert "Dear Jamie Jansen" in page and "[link]" in page
    assert "the messages younger than 14 days are sent" in page
    assert_nothing_on_the_page_works(app, page, links)


def test_a_message_waiting_for_smtp_shows_no_usable_link(app, client, db, login, admin,
                                                          case_candidate, monkeypatch):
    app.config["MAIL_SERVER"] = "127.0.0.1"
    monkeypatch.setattr(app.extensions["huey"], "immediate", False)  # no worker runs the queue
    request_consent(case_candidate, actor="system")
    db.session.commit()
    links = stored_links(db)
    assert db.session.scalars(db.select(OutboxMessage)).one().status == Status.QUEUED
    assert app.test_client().get(links[0]).status_code == 200
    login(admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Dear Jamie Jansen" in page
    assert_nothing_on_the_page_works(app, page, links)


def test_a_link_without_a_scheme_is_masked_too(app, client, db, login, recruiter, admin,
                                              case_candidate):
    app.config["PUBLIC_URL"] = "jobs.acme.test"  # a misconfigured public address
    ask(client, login, recruiter, case_candidate)
    db.session.rollback()
    body = str(db.session.scalars(db.select(OutboxMessage)).one().body)
    token = re.search(r"jobs\.acme\.test/consent/([\w-]+)", body).group(1)
    assert app.test_client().get(f"/consent/{token}").status_code == 200
    login(admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert token not in page
    assert_nothing_on_the_page_works(app, page, [])
