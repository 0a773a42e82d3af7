"""The live connectors against a real server answering hostile JSON: posts, or SourceError.

The connectors are called directly, not through `fetch_source`, whose safety net would turn a
connector's bug into a SourceError and so hide it from these tests.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.sources import bluesky, github, mastodon
from screening.sources.activitypub import fetch_outbox
from screening.sources.errors import UNEXPECTED, SourceError
from screening.sources.http import GuardedClient
from screening.sources.posts import Window
from tests.screening.sources.conftest import FAST, RecordedServer
from tests.screening.sources.test_hostile_shapes import (
    activities,
    assert_posts,
    events,
    feed_items,
    json_values,
    repos,
    shaped,
    statuses,
)

LIVE = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
JSON = "application/json"


def pages(items: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A page of items, or anything else a server could answer: objects, lists, scalars."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    return st.one_of(st.lists(items, max_size=3), json_values, scalars)


def mostly(good: Any) -> st.SearchStrategy[Any]:
    """A first answer that is usually right, so that the pages behind it get attacked too."""
    return st.one_of(st.just(good), st.just(good), st.just(good), json_values)


def serve(server: RecordedServer, bodies: dict[str, Any], content_type: str = JSON) -> None:
    server.routes.clear()
    for path, body in bodies.items():
        server.serve(path, json.dumps(body).encode(), content_type)


def posts_or_source_error(read: Any) -> None:
    try:
        with GuardedClient(FAST) as client:
            posts = list(read(client))
    except SourceError as error:
        assert error.message != UNEXPECTED
        return
    assert_posts(posts)


@LIVE
@given(mostly({"id": "13179"}), pages(statuses))
def test_mastodon_api(_server4: RecordedServer, found: Any, page: Any) -> None:
    serve(_server4, {"/api/v1/accounts/lookup": found,
                     "/api/v1/accounts/13179/statuses": page})
    posts_or_source_error(lambda c: mastodon.fetch(c, "jan@x.example", Window(), _server4.base))


@LIVE
@given(st.data())
def test_activitypub_outbox(_server4: RecordedServer, data: st.DataObject) -> None:
    page_url = _server4.url("/outbox/page")
    page = data.draw(shaped(orderedItems=pages(activities), next=st.just(page_url)))
    collection = data.draw(st.fixed_dictionaries({
        "orderedItems": pages(activities),
        "first": st.one_of(st.just(page_url), st.just(page), st.just("http://[")),
    }) | shaped(
        orderedItems=pages(activities),
        first=st.one_of(st.just(page_url), st.just(page), st.just("http://[")),
    ))
    serve(_server4, {"/outbox": collection, "/outbox/page": page}, "application/activity+json")
    outbox = _server4.url("/outbox")
    posts_or_source_error(lambda c: fetch_outbox(c, outbox, "jan@x.example", Window(limit=50)))


@LIVE
@given(mostly({"did": "did:plc:x"}),
       st.fixed_dictionaries({"feed": pages(feed_items)},
                             optional={"cursor": st.just("next") | json_values}) | json_values)
def test_bluesky_appview(_server4: RecordedServer, profile: Any, feed: Any) -> None:
    serve(_server4, {"/xrpc/app.bsky.actor.getProfile": profile,
                     "/xrpc/app.bsky.feed.getAuthorFeed": feed})
    posts_or_source_error(lambda c: bluesky.fetch(c, "jan.bsky.social", Window(limit=50),
                                                  _server4.base))


@LIVE
@given(st.sampled_from(["https://github.com", "http://[", "javascript:x"]).map(
           lambda web: {"login": "jan", "name": "Jan", "html_url": web}) | json_values,
       pages(events), pages(repos))
def test_github_api(_server4: RecordedServer, user: Any, event_list: Any, repo_list: Any) -> None:
    serve(_server4, {"/users/jan": user, "/users/jan/events/public": event_list,
                     "/users/jan/repos": repo_list})
    posts_or_source_error(lambda c: github.fetch(c, "jan", Window(), _server4.base))
