"""Mastodon: API lookup and statuses with Link paging, and the ActivityPub outbox fallback."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from screening.sources import mastodon
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient
from screening.sources.posts import SourceKind, Window
from tests.screening.sources.conftest import RecordedServer, recorded, reply

JSON = "application/json; charset=utf-8"
ACCOUNT = "Mastodon@mastodon.social"
STATUSES = "/api/v1/accounts/13179/statuses"


def statuses_page(ids: range, when: str, reblog: bool = False) -> bytes:
    """A small modern statuses page built on the shape of the recorded 2017 one."""
    template = json.loads(recorded("mastodon/mastodon4j-hashtag-timeline-statuses-2017.json"))[0]
    page = []
    for n in ids:
        status = dict(template, id=str(n), created_at=when, language="nl")
        status["content"] = f"<p>Status {n} &amp; more</p>"
        if reblog:
            status["reblog"] = dict(template, content="<p>someone else</p>")
        page.append(status)
    return json.dumps(page).encode()


@pytest.fixture
def instance(server: RecordedServer) -> RecordedServer:
    server.serve(
        "/api/v1/accounts/lookup",
        recorded("mastodon/tootsdk-account-lookup-mastodon-official.json"),
        JSON,
    )
    return server


def test_recorded_statuses_page_becomes_posts(
    instance: RecordedServer, guarded: GuardedClient
) -> None:
    instance.serve(
        STATUSES, recorded("mastodon/mastodon4j-hashtag-timeline-statuses-2017.json"), JSON
    )
    posts = list(mastodon.fetch(guarded, ACCOUNT, Window(), instance.base))
    assert len(posts) == 20
    assert all(p.source is SourceKind.MASTODON and p.account == ACCOUNT for p in posts)
    assert all(p.published.tzinfo is UTC and "<" not in p.text for p in posts)
    assert posts[0].published == datetime(2017, 4, 21, 15, 0, 42, tzinfo=UTC)
    assert posts[0].url.startswith("https://")
    lookup, statuses = instance.requests[0][0], instance.requests[1][0]
    assert lookup == "/api/v1/accounts/lookup?acct=Mastodon"
    assert "exclude_reblogs=true" in statuses and "limit=40" in statuses


def test_link_pagination_is_followed_until_the_window_ends(
    instance: RecordedServer, guarded: GuardedClient
) -> None:
    next_link = f'<{instance.url("/page2")}>; rel="next", <{instance.url("/prev")}>; rel="prev"'
    instance.serve(
        STATUSES, statuses_page(range(10, 5, -1), "2024-03-01T10:00:00.000Z"), JSON, Link=next_link
    )
    instance.serve(
        "/page2",
        statuses_page(range(5, 0, -1), "2020-01-01T10:00:00.000Z"),
        JSON,
        Link=f'<{instance.url("/page3")}>; rel="next"',
    )
    instance.serve("/page3", statuses_page(range(0, -5, -1), "2019-01-01T10:00:00Z"), JSON)

    everything = list(mastodon.fetch(guarded, ACCOUNT, Window(), instance.base))
    assert len(everything) == 15 and instance.hits("/page3") == 1

    instance.requests.clear()
    recent = list(
        mastodon.fetch(guarded, ACCOUNT, Window(since=datetime(2023, 1, 1)), instance.base)
    )
    assert [p.text for p in recent][0] == "Status 10 & more"
    assert len(recent) == 5
    assert instance.hits("/page2") == 1 and instance.hits("/page3") == 0


def test_item_cap_stops_paging(instance: RecordedServer, guarded: GuardedClient) -> None:
    instance.serve(
        STATUSES,
        statuses_page(range(10, 5, -1), "2024-03-01T10:00:00Z"),
        JSON,
        Link=f'<{instance.url("/page2")}>; rel="next"',
    )
    posts = list(mastodon.fetch(guarded, ACCOUNT, Window(limit=3), instance.base))
    assert len(posts) == 3 and instance.hits("/page2") == 0


def test_reblogs_are_not_own_words(instance: RecordedServer, guarded: GuardedClient) -> None:
    instance.serve(STATUSES, statuses_page(range(2), "2024-03-01T10:00:00Z", reblog=True), JSON)
    posts = list(mastodon.fetch(guarded, ACCOUNT, Window(), instance.base))
    assert [p.is_own for p in posts] == [False, False]
    assert posts[0].text == "someone else"


def test_next_link_to_another_host_is_refused(
    instance: RecordedServer, guarded: GuardedClient
) -> None:
    instance.serve(
        STATUSES,
        statuses_page(range(1), "2024-03-01T10:00:00Z"),
        JSON,
        Link='<http://169.254.169.254/latest>; rel="next"',
    )
    with pytest.raises(SourceError) as caught:
        list(mastodon.fetch(guarded, ACCOUNT, Window(), instance.base))
    assert caught.value.failure is Failure.GARBAGE


def test_unknown_account_is_not_found(server: RecordedServer, guarded: GuardedClient) -> None:
    with pytest.raises(SourceError) as caught:
        list(mastodon.fetch(guarded, "nobody@mastodon.social", Window(), server.base))
    assert caught.value.failure is Failure.NOT_FOUND


def test_closed_api_falls_back_to_the_paged_outbox(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    outbox = json.loads(recorded("mastodon/masto-export-philhawksworth-outbox.json"))
    items = outbox["orderedItems"]
    server.route("/api/v1/accounts/lookup", lambda h: reply(h, 401, b"{}", JSON))
    collection = {
        "type": "OrderedCollection",
        "totalItems": 50,
        "first": server.url("/users/philhawksworth/outbox?page=true"),
    }
    first = {
        "type": "OrderedCollectionPage",
        "orderedItems": items[:25],
        "next": server.url("/users/philhawksworth/outbox?page=2"),
    }
    second = {"type": "OrderedCollectionPage", "orderedItems": items[25:]}
    activity = "application/activity+json"
    server.serve("/users/philhawksworth/outbox", json.dumps(collection).encode(), activity)
    server.serve("/users/philhawksworth/outbox?page=true", json.dumps(first).encode(), activity)
    server.serve("/users/philhawksworth/outbox?page=2", json.dumps(second).encode(), activity)

    posts = list(mastodon.fetch(guarded, "@philhawksworth@indieweb.social", Window(), server.base))
    assert len(posts) == 49  # one of the 50 is not public
    assert sum(not p.is_own for p in posts) == 1  # the Announce (boost)
    assert all(p.source is SourceKind.ACTIVITYPUB for p in posts)
    assert posts[0].text == "Setting up my mstdn" and posts[0].lang == "en"
