"""A candidate's public feed served on 127.0.0.1, and the case's actors."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest

from compliance.accounts import Role
from screening.sources import ClientSettings
from screening.sources.addresses import ALLOW_PRIVATE_ENV
from tests.screening.sources.conftest import RecordedServer, _server4, reply  # noqa: F401

FAST = ClientSettings(connect_timeout=2.0, read_timeout=2.0, total_timeout=5.0,
                      max_bytes=1024 * 1024, max_retries=0, backoff=0.01, max_retry_wait=1.0,
                      min_interval=0.0)

RELEVANT = ("Shipped our Django REST API migration to PostgreSQL 16 today; pytest suite went "
            "from 9 to 3 minutes. Thanks to Pieter de Jong for the review, mail me at "
            "jan.smit@example.com.")
WITHHELD = "Back at work after three months of sick leave for my burn-out. Be kind to yourselves."
IRRELEVANT = "Lovely walk along the beach in Scheveningen this morning with the dog."
POSTS = [RELEVANT, WITHHELD, IRRELEVANT]


def feed(posts: list[str], now: datetime | None = None) -> bytes:
    now = now or datetime.now(UTC)
    items = "".join(
        f"<item><title>Post {i}</title><link>https://blog.example.org/p/{i}</link>"
        f"<guid>https://blog.example.org/p/{i}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(days=i + 1))}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for i, text in enumerate(posts))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Jamie's blog</title><link>https://blog.example.org/</link>"
            f"<description>notes</description>{items}</channel></rss>").encode()


@pytest.fixture
def server(_server4: RecordedServer) -> RecordedServer:  # noqa: F811
    _server4.routes.clear()
    _server4.requests.clear()
    return _server4


@pytest.fixture
def app_config():
    return {"SOURCE_CLIENT_SETTINGS": FAST}


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch):
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


@pytest.fixture
def blog(server) -> str:
    """The candidate's blog feed: one relevant post, one special-category, one private."""
    return server.route("/feed.xml", lambda h: reply(h, 200, feed(POSTS), "application/rss+xml"))


@pytest.fixture
def recruiter(make_user):
    return make_user(Role.RECRUITER)


@pytest.fixture(autouse=True)
def organisation(db):
    """The controller and DPO every notice names."""
    from compliance.organisation import update_settings

    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1, Amsterdam",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    db.session.commit()


@pytest.fixture
def case_candidate(make_vacancy, make_candidate, recruiter):
    vacancy = make_vacancy(owner=recruiter, criteria=["Python", "Django", "PostgreSQL", "pytest"],
                           allowed_sources=["rss", "github", "x-archive"])
    return make_candidate(vacancy, name="Jamie Jansen", email="jamie@example.org")
