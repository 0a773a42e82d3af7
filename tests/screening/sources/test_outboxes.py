"""ActivityPub outboxes read live: WebFinger -> actor -> outbox -> pages, from a local server.

The outbox items are the recorded Mastodon outbox and the actor document is the recorded Mastodon
actor, with their URLs pointed at the local server; the WebFinger answer has Mastodon's shape.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from screening.sources import Failure, SourceKind, SourceRequest, Window, fetch_all, fetch_source
from screening.sources.activitypub import MAX_ITEMS, MAX_PAGES
from screening.sources.http import GuardedClient
from tests.screening.sources.conftest import RecordedServer, recorded, reply

ACCOUNT = "philhawksworth@indieweb.social"
ACTIVITY = "application/activity+json; charset=utf-8"
JRD = "application/jrd+json; charset=utf-8"
WEBFINGER = "/.well-known/webfinger"
ACTOR = "/users/philhawksworth"
OUTBOX = "/users/philhawksworth/outbox"


def webfinger(server: RecordedServer, actor: str | None = None) -> dict:
    return {
        "subject": f"acct:{ACCOUNT}",
        "aliases": [server.url("/@philhawksworth"), server.url(ACTOR)],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
             "href": server.url("/@philhawksworth")},
            {"rel": "self", "type": "application/activity+json",
             "href": actor or server.url(ACTOR)},
            {"rel": "http://ostatus.org/schema/1.0/subscribe",
             "template": server.url("/authorize_interaction?uri={uri}")},
        ],
    }


def actor(server: RecordedServer, **overrides) -> dict:
    document = json.loads(recorded("mastodon/masto-export-dealingwith-actor.json"))
    document.update({"id": server.url(ACTOR), "outbox": server.url(OUTBOX), **overrides})
    return document


def serve_json(server: RecordedServer, path: str, body, content_type: str = ACTIVITY) -> None:
    server.serve(path, json.dumps(body).encode(), content_type)


@pytest.fixture
def fediverse(server: RecordedServer) -> RecordedServer:
    """A Mastodon-shaped server: WebFinger, the actor, and the outbox in two pages."""
    items = json.loads(recorded("mastodon/masto-export-philhawksworth-outbox.json"))["orderedItems"]
    serve_json(server, WEBFINGER, webfinger(server), JRD)
    serve_json(server, ACTOR, actor(server))
    serve_json(server, OUTBOX, {"type": "OrderedCollection", "totalItems": 50,
                                "first": server.url(OUTBOX + "?page=true")})
    serve_json(server, OUTBOX + "?page=true", {
        "type": "OrderedCollectionPage", "orderedItems": items[:25],
        "next": server.url(OUTBOX + "?page=2")})
    serve_json(server, OUTBOX + "?page=2", {"type": "OrderedCollectionPage",
                                            "orderedItems": items[25:]})
    return server


def test_an_outbox_is_read_from_the_account_name(fediverse, guarded: GuardedClient) -> None:
    posts = fetch_source(guarded, "activitypub", "@philhawksworth@indieweb.social", Window(),
                         fediverse.base)
    assert len(posts) == 49  # one of the 50 is not public
    assert sum(not p.is_own for p in posts) == 1  # the Announce (boost) is not their words
    assert all(p.source is SourceKind.ACTIVITYPUB and p.account == ACCOUNT for p in posts)
    assert posts[0].text == "Setting up my mstdn" and posts[0].lang == "en"
    lookup, headers = fediverse.requests[0]
    assert urlsplit(lookup).path == WEBFINGER
    assert parse_qs(urlsplit(lookup).query) == {"resource": [f"acct:{ACCOUNT}"]}
    assert "jrd+json" in headers["accept"]
    assert all("activity+json" in h["accept"] for _, h in fediverse.requests[1:])
    assert [urlsplit(p).path for p, _ in fediverse.requests] == [
        WEBFINGER, ACTOR, OUTBOX, OUTBOX, OUTBOX]


def test_the_window_stops_paging(fediverse, guarded: GuardedClient) -> None:
    posts = fetch_source(guarded, "activitypub", ACCOUNT, Window(limit=3), fediverse.base)
    assert len(posts) == 3
    assert fediverse.hits(OUTBOX) == 2  # the collection and its first page only


def test_fetch_all_reports_the_source_as_read(fediverse, guarded: GuardedClient) -> None:
    [result] = fetch_all([SourceRequest(SourceKind.ACTIVITYPUB, ACCOUNT, fediverse.base)],
                         Window(), guarded)
    assert result.ok and len(result.posts) == 49


def _set(server: RecordedServer, path: str, body, content_type: str = ACTIVITY) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    server.serve(path, raw, content_type)


HOSTILE = {
    "no account": (lambda s: s.routes.pop(WEBFINGER), Failure.NOT_FOUND),
    "webfinger is a web page": (
        lambda s: _set(s, WEBFINGER, b"<html>hello</html>", "text/html"), Failure.GARBAGE),
    "webfinger links not a list": (
        lambda s: _set(s, WEBFINGER, {"links": "self"}, JRD), Failure.GARBAGE),
    "webfinger is a list": (lambda s: _set(s, WEBFINGER, [1, 2], JRD), Failure.GARBAGE),
    "webfinger names no actor": (
        lambda s: _set(s, WEBFINGER, {"links": [{"rel": "self", "type": "text/html",
                                                 "href": s.url(ACTOR)}]}, JRD),
        Failure.NOT_FOUND),
    "actor link is a file": (
        lambda s: _set(s, WEBFINGER, webfinger(s, "file:///etc/passwd"), JRD), Failure.BLOCKED),
    "actor is not an object": (lambda s: _set(s, ACTOR, ["Person"]), Failure.GARBAGE),
    "actor type is a list": (
        lambda s: _set(s, ACTOR, actor(s, type=["Person"])), Failure.GARBAGE),
    "actor has no outbox": (lambda s: _set(s, ACTOR, actor(s, outbox=None)), Failure.GARBAGE),
    "outbox on another host": (
        lambda s: _set(s, ACTOR, actor(s, outbox="http://169.254.169.254/outbox")),
        Failure.GARBAGE),
    "outbox is not a URL": (
        lambda s: _set(s, ACTOR, actor(s, outbox="http://[::1/outbox")), Failure.GARBAGE),
    "outbox is gone": (lambda s: s.route(OUTBOX, lambda h: reply(h, 410, b"", "text/plain")),
                       Failure.GONE),
    "first page is a number": (
        lambda s: _set(s, OUTBOX, {"type": "OrderedCollection", "first": 5}), Failure.GARBAGE),
    "items are a string": (
        lambda s: _set(s, OUTBOX + "?page=2", {"orderedItems": "none"}), Failure.GARBAGE),
    "a page links back": (
        lambda s: _set(s, OUTBOX + "?page=2", {"orderedItems": [],
                                               "next": s.url(OUTBOX + "?page=true")}),
        Failure.GARBAGE),
    "next page on another host": (
        lambda s: _set(s, OUTBOX + "?page=2", {"orderedItems": [],
                                               "next": "http://10.0.0.1/outbox?page=3"}),
        Failure.GARBAGE),
    "next page is not a URL": (
        lambda s: _set(s, OUTBOX + "?page=2", {"orderedItems": [], "next": "http://[x"}),
        Failure.GARBAGE),
    "deeply nested JSON": (
        lambda s: _set(s, OUTBOX, b"[" * 100_000 + b"]" * 100_000), Failure.GARBAGE),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_shape_fails_only_that_source_with_a_reason(fediverse, guarded, name) -> None:
    spoil, failure = HOSTILE[name]
    spoil(fediverse)
    [result] = fetch_all([SourceRequest(SourceKind.ACTIVITYPUB, ACCOUNT, fediverse.base)],
                         Window(), guarded)
    assert result.failure is failure, result.message
    assert result.message and "unexpected" not in result.message


def test_odd_items_are_skipped_not_fatal(fediverse, guarded: GuardedClient) -> None:
    note = {"type": "Create", "actor": "x", "published": "2024-05-01T10:00:00Z",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"type": "Note", "content": "<p>Kept</p>"}}
    odd = [7, "https://example.org/a", {"type": "Create", "to": {"a": 1}, "object": {}},
           {**note, "to": [{"id": "x"}, ["nested"]]}, {**note, "published": "13/13/2024"},
           {**note, "object": "https://example.org/n"}, {**note, "type": ["Create"]},
           {**note, "object": {"type": "Note", "content": ["x"]}},
           {**note, "object": {"type": "Question", "content": "Tabs or spaces?"}},
           {**note, "object": {"type": "Article", "content": "<p>A long read</p>"}},
           note]
    _set(fediverse, OUTBOX, {"type": "OrderedCollection", "orderedItems": odd})
    posts = fetch_source(guarded, "activitypub", ACCOUNT, Window(), fediverse.base)
    assert [p.text for p in posts] == ["", "A long read", "Kept"]


def test_pages_are_bounded(server: RecordedServer, guarded: GuardedClient) -> None:
    serve_json(server, WEBFINGER, webfinger(server), JRD)
    serve_json(server, ACTOR, actor(server))
    collection = {"type": "OrderedCollection", "first": server.url(OUTBOX + "?n=1")}

    def endless(handler) -> None:
        """Every page links to one more: only the client's bound stops the reading."""
        query = parse_qs(urlsplit(handler.path).query)
        if "n" not in query:
            reply(handler, 200, json.dumps(collection).encode(), ACTIVITY)
            return
        n = int(query["n"][0])
        body = {"orderedItems": [], "next": server.url(f"{OUTBOX}?n={n + 1}")}
        reply(handler, 200, json.dumps(body).encode(), ACTIVITY)

    server.route(OUTBOX, endless)
    assert fetch_source(guarded, "activitypub", ACCOUNT, Window(), server.base) == []
    assert server.hits(OUTBOX) == MAX_PAGES + 1


def test_items_are_bounded_across_pages(fediverse, guarded: GuardedClient) -> None:
    public = ["https://www.w3.org/ns/activitystreams#Public"]
    notes = [{"type": "Create", "published": "2024-05-01T10:00:00Z", "to": public,
              "object": {"type": "Note", "content": f"note {i}"}} for i in range(MAX_ITEMS)]
    _set(fediverse, OUTBOX + "?page=2", {"orderedItems": notes})
    posts = fetch_source(guarded, "activitypub", ACCOUNT, Window(), fediverse.base)
    assert len(posts) == 24  # the first page's public items; the second passes the bound
