"""Mastodon's public REST API, falling back to the ActivityPub outbox where the API is closed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from screening.sources.accounts import split_mastodon
from screening.sources.activitypub import fetch_outbox, parse_time
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient, require_same_origin
from screening.sources.paging import within_window
from screening.sources.posts import Post, SourceKind, Window
from screening.sources.text import html_to_text

PAGE_SIZE = 40
MAX_PAGES = 50
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def fetch(
    client: GuardedClient, account: str, window: Window, base_url: str | None = None
) -> Iterator[Post]:
    """Yield the public statuses of `account` (name@instance) inside `window`, newest first."""
    user, host = split_mastodon(account)
    base = (base_url or f"https://{host}").rstrip("/")
    try:
        found = client.get_json(f"{base}/api/v1/accounts/lookup", params={"acct": user})
    except SourceError as exc:
        # Instances that require sign-in for the API still serve the outbox to anyone.
        if exc.failure is not Failure.FORBIDDEN:
            raise
        return fetch_outbox(client, f"{base}/users/{user}/outbox", account, window)
    return within_window(_pages(client, base, _account_id(found), account), window)


def _pages(client: GuardedClient, base: str, account_id: str, account: str) -> Iterator[list[Post]]:
    url: str | None = f"{base}/api/v1/accounts/{account_id}/statuses"
    params: dict[str, str | int] | None = {"limit": PAGE_SIZE, "exclude_reblogs": "true"}
    for _ in range(MAX_PAGES):
        if url is None:
            return
        fetched = client.get(url, params=params, accept="application/json")
        statuses = fetched.json()
        if not isinstance(statuses, list):
            raise SourceError(Failure.GARBAGE, "statuses response is not a list")
        yield [p for s in statuses if (p := status_post(s, account)) is not None]
        next_url = fetched.link("next")
        url = require_same_origin(next_url, base) if next_url and statuses else None
        params = None


def status_post(status: Any, account: str) -> Post | None:
    """Turn one Status entity into a post; a reblog is someone else's words."""
    if not isinstance(status, dict) or status.get("visibility") not in ("public", "unlisted"):
        return None
    published = parse_time(status.get("created_at"))
    if published is None:
        return None
    shown = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
    parts = (shown.get("spoiler_text") or "", shown.get("content") or "")
    text = "\n\n".join(html_to_text(p) for p in parts if isinstance(p, str) and p)
    url = next((u for u in (shown.get("url"), shown.get("uri")) if isinstance(u, str) and u), "")
    lang = shown.get("language") if isinstance(shown.get("language"), str) else None
    return Post(SourceKind.MASTODON, account, url, published, text, shown is status, lang)


def _account_id(found: Any) -> str:
    account_id = str(found.get("id", "")) if isinstance(found, dict) else ""
    if not _ID.match(account_id):
        raise SourceError(Failure.GARBAGE, "account lookup returned no usable id")
    return account_id
