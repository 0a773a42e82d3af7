"""Does an account answer? One short read of the recorded real world on 127.0.0.1, guarded."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import time

import pytest

from screening.accounts import check_account
from screening.sources import Failure
from screening.sources.addresses import ALLOW_PRIVATE_ENV
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    FAST,
    POSTS,
    _server4,
    allow_loopback,
    feed,
    server,
)
from tests.screening.sources.conftest import recorded, reply

# The check touches no database: one is enough to make the app.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
JSON = "application/json; charset=utf-8"
HTML = b"<!doctype html><html><head><title>Home</title></head><body>Hi</body></html>"


@pytest.fixture
def app_config(_server4):
    return {"SOURCE_CLIENT_SETTINGS": FAST, "ACCOUNT_CHECK_SECONDS": 2,
            "SOURCE_BASE_URLS": {"github": _server4.base, "mastodon": _server4.base}}


@pytest.fixture
def recorded_world(server):
    server.route("/feed.xml", lambda h: reply(h, 200, feed(POSTS), "application/rss+xml"))
    server.serve("/atom.xml", recorded("atom/rsparser-daringfireball.atom"),
                 "application/atom+xml")
    server.serve("/home", HTML, "text/html")
    server.serve("/users/sigmavirus24", recorded("github/github3py-user-sigmavirus24.json"), JSON)
    server.serve("/users/sigmavirus24/events/public",
                 recorded("github/github3py-user-public-events-sigmavirus24-page1.json"), JSON)
    server.serve("/users/sigmavirus24/repos",
                 recorded("github/github3py-user-repos-dstufft-page1.json"), JSON)
    return server


@pytest.mark.parametrize("kind, account, failure", [
    ("rss", "/feed.xml", None),
    ("rss", "/atom.xml", None),
    ("rss", "/home", Failure.GARBAGE),  # a web page, not a feed
    ("rss", "/gone.xml", Failure.NOT_FOUND),
    ("github", "sigmavirus24", None),
    ("github", "nobody-here", Failure.NOT_FOUND),  # no such user
    ("mastodon", "nobody@mastodon.example", Failure.NOT_FOUND),  # the lookup knows no one
])
def test_an_account_answers_or_says_why_not(app, recorded_world, kind, account, failure):
    if account.startswith("/"):
        account = recorded_world.url(account)
    assert check_account(kind, account) == failure


def test_the_check_reads_no_more_than_it_needs(app, recorded_world):
    assert check_account("github", "sigmavirus24") is None
    assert recorded_world.hits("/users/sigmavirus24/repos") == 0  # one event was enough


def test_a_slow_source_is_given_up_on_quickly(app, server):
    def stall(handler):
        time.sleep(3)  # longer than ACCOUNT_CHECK_SECONDS; the server thread ends on its own
        reply(handler, 200, feed(POSTS), "application/rss+xml")

    url = server.route("/slow.xml", stall)
    assert check_account("rss", url) == Failure.TIMEOUT


def test_the_check_keeps_the_run_s_address_rules(app, recorded_world, monkeypatch):
    """No SSRF: without the test policy, a loopback address is refused before connecting."""
    monkeypatch.delenv(ALLOW_PRIVATE_ENV)
    loopback = recorded_world.url("/feed.xml").replace("http://", "https://")
    assert check_account("rss", loopback) == Failure.BLOCKED
    assert check_account("rss", "https://169.254.169.254/latest/meta-data") == Failure.BLOCKED
    assert recorded_world.hits("/feed.xml") == 0
