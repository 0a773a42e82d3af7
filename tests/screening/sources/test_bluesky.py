"""Bluesky: getProfile then getAuthorFeed with its cursor, from recorded responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from screening.sources import bluesky
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient
from screening.sources.posts import SourceKind, Window
from tests.screening.sources.conftest import RecordedServer, recorded

JSON = "application/json; charset=utf-8"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
DID = "did:plc:iijrtk7ocored6zuziwmqq3c"


@pytest.fixture
def appview(server: RecordedServer) -> RecordedServer:
    server.serve(
        "/xrpc/app.bsky.actor.getProfile?actor=shinyakato.dev",
        recorded("bluesky/atprotodart-getProfile-shinyakato.json"),
        JSON,
    )
    first = recorded("bluesky/atprotodart-getAuthorFeed-shinyakato.json")
    cursor = json.loads(first)["cursor"]
    server.serve(f"{FEED}?actor={DID.replace(':', '%3A')}&limit=100", first, JSON)
    older = {"feed": json.loads(first)["feed"][-2:]}  # no cursor: the end
    for item in older["feed"]:
        item["post"]["record"]["createdAt"] = "2021-01-01T00:00:00.000Z"
        item.pop("reason", None)
    query = f"actor={DID.replace(':', '%3A')}&limit=100&cursor={cursor.replace(':', '%3A')}"
    server.serve(f"{FEED}?{query}", json.dumps(older).encode(), JSON)
    return server


def test_author_feed_pages_by_cursor(appview: RecordedServer, guarded: GuardedClient) -> None:
    posts = list(bluesky.fetch(guarded, "@shinyakato.dev", Window(), appview.base))
    assert len(posts) == 27
    assert appview.hits(FEED) == 2
    reposts = [p for p in posts if not p.is_own]
    assert len(reposts) == 2
    own = [p for p in posts if p.is_own]
    assert all(p.source is SourceKind.BLUESKY and p.published.tzinfo is UTC for p in own)
    assert own[0].url.startswith("https://bsky.app/profile/shinyakato.dev/post/")
    assert all(p.text for p in own)
    assert posts[-1].published == datetime(2021, 1, 1, tzinfo=UTC)


def test_window_stops_before_the_next_page(appview: RecordedServer, guarded: GuardedClient) -> None:
    since = datetime(2023, 4, 30, tzinfo=UTC)
    posts = list(bluesky.fetch(guarded, "shinyakato.dev", Window(since=since), appview.base))
    assert posts and all(p.published >= since for p in posts)
    assert appview.hits(FEED) == 1


def test_profile_without_did_is_garbage(server: RecordedServer, guarded: GuardedClient) -> None:
    server.serve("/xrpc/app.bsky.actor.getProfile", b'{"handle": "x.bsky.social"}', JSON)
    with pytest.raises(SourceError) as caught:
        list(bluesky.fetch(guarded, "x.bsky.social", Window(), server.base))
    assert caught.value.failure is Failure.GARBAGE
