"""Several sources at once: each failure is reported on its own, the others still arrive."""

from __future__ import annotations

import time

import pytest

from screening.sources.errors import Failure, SourceError
from screening.sources.fetching import SourceRequest, fetch_all
from screening.sources.http import GuardedClient
from screening.sources.posts import SourceKind, Window
from tests.screening.sources.conftest import RecordedServer, recorded, reply, stream_chunks

JSON = "application/json"

POST = "Jan's post about his illness"


def test_each_source_fails_or_succeeds_on_its_own(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    feed = server.serve("/feed", recorded("rss/rsparser-489-medium.rss"), "application/rss+xml")
    server.route("/gone.rss", lambda h: reply(h, 410, b"", "text/plain"))
    server.route("/slow.rss", lambda h: stream_chunks(h, b" ", pause=0.3))
    server.serve("/garbage.rss", b"\x00\x01\x02 no feed here", "application/rss+xml")
    server.route("/users/busy", lambda h: reply(h, 429, b"{}", JSON, Retry_After="600"))
    requests = [
        SourceRequest(SourceKind.RSS, feed),
        SourceRequest(SourceKind.RSS, server.url("/gone.rss")),
        SourceRequest(SourceKind.RSS, server.url("/slow.rss")),
        SourceRequest(SourceKind.RSS, server.url("/garbage.rss")),
        SourceRequest(SourceKind.GITHUB, "busy", base_url=server.base),
        SourceRequest(SourceKind.MASTODON, "@nobody@example.social", base_url=server.base),
        SourceRequest(SourceKind.BLUESKY, "not a handle"),
    ]
    results = fetch_all(requests, Window(), client=guarded)
    assert [r.request for r in results] == requests
    assert [r.failure for r in results] == [
        None,
        Failure.GONE,
        Failure.TIMEOUT,
        Failure.GARBAGE,
        Failure.RATE_LIMITED,
        Failure.NOT_FOUND,
        Failure.INVALID_ACCOUNT,
    ]
    assert results[0].ok and len(results[0].posts) == 10
    assert all(not r.posts and r.message for r in results[1:])
    assert all("http" not in (r.message or "") for r in results)  # hosts, never URLs


def test_unexpected_parser_error_is_contained(
    server: RecordedServer, guarded: GuardedClient, monkeypatch, caplog
) -> None:
    from screening.sources import fetching

    def broken(*args, **kwargs):
        raise KeyError(POST)  # the frames are logged: a literal would show

    monkeypatch.setitem(fetching.CONNECTORS, SourceKind.GITHUB, broken)
    feed = server.serve("/feed", recorded("rss/rsparser-489-medium.rss"), "application/rss+xml")
    results = fetch_all(
        [SourceRequest(SourceKind.GITHUB, "octocat"), SourceRequest(SourceKind.RSS, feed)],
        Window(),
        client=guarded,
    )
    assert results[0].failure is Failure.GARBAGE and results[1].ok
    # Where it failed is logged; the exception's message, which quotes the input, is not.
    assert "KeyError" in caplog.text and "illness" not in caplog.text


def test_a_connector_bug_is_a_source_error_for_every_caller(guarded, monkeypatch, caplog):
    from screening.sources import fetching

    def broken(*args, **kwargs):
        raise TypeError(POST)  # the frames are logged: a literal would show

    monkeypatch.setitem(fetching.CONNECTORS, SourceKind.GITHUB, broken)
    with pytest.raises(SourceError) as caught:
        fetching.fetch_source(guarded, SourceKind.GITHUB, "octocat", Window())
    assert caught.value.failure is Failure.GARBAGE and "illness" not in caught.value.message
    assert "TypeError" in caplog.text and "illness" not in caplog.text


def test_sources_are_read_in_parallel(server: RecordedServer, guarded: GuardedClient) -> None:
    events: list[str] = []

    def slow_feed(h) -> None:
        events.append("start")
        time.sleep(0.3)
        events.append("end")
        reply(h, 200, recorded("rss/rsparser-489-medium.rss"), "application/rss+xml")

    server.route("/a", slow_feed)
    server.route("/b", slow_feed)
    requests = [SourceRequest(SourceKind.RSS, server.url(p)) for p in ("/a", "/b")]
    results = fetch_all(requests, Window(), client=guarded, max_workers=2)
    assert all(r.ok for r in results)
    assert events[:2] == ["start", "start"]  # the second began before the first was answered
