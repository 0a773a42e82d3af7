"""ActivityPub outboxes: an OrderedCollection and its pages, as served live or in an archive."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient, require_same_origin
from screening.sources.paging import within_window
from screening.sources.posts import Post, SourceKind, Window, in_utc
from screening.sources.text import html_to_text

ACTIVITY_JSON = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
PUBLIC = frozenset({"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"})
MAX_PAGES = 50
MAX_ITEMS = 5000
FETCHED_OBJECTS = ("Note", "Article")


def fetch_outbox(
    client: GuardedClient, outbox_url: str, account: str, window: Window
) -> Iterator[Post]:
    """Yield the public posts of the outbox at `outbox_url`, newest first, inside `window`."""
    pages = _pages(client, outbox_url, account)
    return within_window(pages, window)


def _pages(client: GuardedClient, outbox_url: str, account: str) -> Iterator[list[Post]]:
    collection = _object(client.get(outbox_url, accept=ACTIVITY_JSON).json())
    page: Any = collection if "orderedItems" in collection else collection.get("first")
    seen, items = {outbox_url}, 0
    for _ in range(MAX_PAGES):
        if not page:
            return
        if isinstance(page, str):
            url = require_same_origin(page, outbox_url)
            if url in seen:  # a page linking back to one already read would loop
                raise SourceError(Failure.GARBAGE, "outbox pages link back to themselves")
            seen.add(url)
            page = _object(client.get(url, accept=ACTIVITY_JSON).json())
        activities = _items(page)
        items += len(activities)
        if items > MAX_ITEMS:  # however the items are spread over pages
            return
        yield activities_to_posts(filter(_fetchable, activities), account, SourceKind.ACTIVITYPUB)
        page = collection.get("first") if page is collection else page.get("next")


def _fetchable(activity: Any) -> bool:
    """Read a live outbox's boosts and its notes and articles; polls, images and the rest not."""
    if not isinstance(activity, dict) or activity.get("type") not in ("Create", "Announce"):
        return False
    obj = activity.get("object")
    return activity["type"] == "Announce" or (isinstance(obj, dict)
                                              and obj.get("type") in FETCHED_OBJECTS)


def activities_to_posts(activities: Iterable[Any], account: str, kind: SourceKind) -> list[Post]:
    """Turn Create (own notes) and Announce (boosts) activities into posts; skip non-public."""
    posts = []
    for activity in activities:
        if not isinstance(activity, dict) or not _is_public(activity):
            continue
        post = _activity_post(activity, account, kind)
        if post is not None:
            posts.append(post)
    return posts


def _activity_post(activity: dict[str, Any], account: str, kind: SourceKind) -> Post | None:
    published = parse_time(activity.get("published"))
    obj = activity.get("object")
    if published is None:
        return None
    if activity.get("type") == "Announce":
        # A boost names what it boosts by id or as an embedded object; anything else, no link.
        url = obj if isinstance(obj, str) else _str(obj.get("id")) if isinstance(obj, dict) else ""
        return Post(kind, account, url, published, "", is_own=False)
    if activity.get("type") != "Create" or not isinstance(obj, dict):
        return None
    text = "\n\n".join(
        html_to_text(part) for part in (_str(obj.get("summary")), _str(obj.get("content"))) if part
    )
    url = _str(obj.get("url")) or _str(obj.get("id"))
    own = obj.get("attributedTo") is None or obj.get("attributedTo") == activity.get("actor")
    return Post(kind, account, url, published, text, own, _lang(obj.get("contentMap")))


def parse_time(value: Any) -> datetime | None:
    """Parse an ISO 8601 timestamp ('Z' or offset); None when absent or malformed."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return in_utc(parsed)


def _is_public(activity: dict[str, Any]) -> bool:
    audience = _as_list(activity.get("to")) + _as_list(activity.get("cc"))
    return any(isinstance(a, str) and a in PUBLIC for a in audience)


def _items(page: Any) -> list[Any]:
    items = page.get("orderedItems", page.get("items", [])) if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise SourceError(Failure.GARBAGE, "outbox page without a list of items")
    return items


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(Failure.GARBAGE, "outbox is not an ActivityPub collection")
    return value


def _lang(content_map: Any) -> str | None:
    if isinstance(content_map, dict) and len(content_map) == 1:
        return str(next(iter(content_map))).split("-")[0].lower()[:8] or None
    return None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
