"""Bluesky's public AppView: the profile (handle to DID) and the author feed with its cursor."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from screening.sources.accounts import bluesky_actor
from screening.sources.activitypub import parse_time
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient
from screening.sources.paging import within_window
from screening.sources.posts import Post, SourceKind, Window
from screening.sources.text import normalise_space

APPVIEW = "https://public.api.bsky.app"
WEB = "https://bsky.app"
PAGE_SIZE = 100
MAX_PAGES = 50
REPOST = "app.bsky.feed.defs#reasonRepost"


def fetch(
    client: GuardedClient, account: str, window: Window, base_url: str | None = None
) -> Iterator[Post]:
    """Yield the posts and reposts of `account` (handle or DID) inside `window`, newest first."""
    actor = bluesky_actor(account)
    base = (base_url or APPVIEW).rstrip("/")
    profile = client.get_json(f"{base}/xrpc/app.bsky.actor.getProfile", params={"actor": actor})
    did = profile.get("did") if isinstance(profile, dict) else None
    if not isinstance(did, str) or not did.startswith("did:"):
        raise SourceError(Failure.GARBAGE, "Bluesky profile response has no DID")
    return within_window(_pages(client, base, did, account), window)


def _pages(client: GuardedClient, base: str, did: str, account: str) -> Iterator[list[Post]]:
    cursor: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, str | int] = {"actor": did, "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        body = client.get_json(f"{base}/xrpc/app.bsky.feed.getAuthorFeed", params=params)
        feed = body.get("feed") if isinstance(body, dict) else None
        if not isinstance(feed, list):
            raise SourceError(Failure.GARBAGE, "Bluesky author feed has no list of posts")
        yield [p for item in feed if (p := feed_item_post(item, did, account)) is not None]
        cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
        if not cursor or not feed:
            return


def feed_item_post(item: Any, did: str, account: str) -> Post | None:
    """Turn one FeedViewPost into a post; a repost or another author's post is not theirs."""
    post = item.get("post") if isinstance(item, dict) else None
    record = post.get("record") if isinstance(post, dict) else None
    if not isinstance(record, dict):
        return None
    reason = item.get("reason") if isinstance(item.get("reason"), dict) else {}
    author = post.get("author") if isinstance(post.get("author"), dict) else {}
    reposted = reason.get("$type") == REPOST or author.get("did") != did
    # A repost is placed in time by when it was reposted, as the feed orders it.
    stamp = reason.get("indexedAt") if reposted and reason else record.get("createdAt")
    published = parse_time(stamp) or parse_time(post.get("indexedAt"))
    if published is None:
        return None
    text = normalise_space(record.get("text") or "") if isinstance(record.get("text"), str) else ""
    return Post(
        SourceKind.BLUESKY,
        account,
        _web_url(post, author),
        published,
        text,
        not reposted,
        _lang(record.get("langs")),
    )


def _web_url(post: dict[str, Any], author: dict[str, Any]) -> str:
    uri = post.get("uri") if isinstance(post.get("uri"), str) else ""
    rkey = uri.rsplit("/", 1)[-1] if uri.startswith("at://") else ""
    names = (author.get("handle"), author.get("did"))
    who = next((w for w in names if isinstance(w, str) and w), "")
    return f"{WEB}/profile/{who}/post/{rkey}" if rkey and who else uri


def _lang(langs: Any) -> str | None:
    if isinstance(langs, list) and langs and isinstance(langs[0], str):
        return langs[0].split("-")[0].lower()
    return None
