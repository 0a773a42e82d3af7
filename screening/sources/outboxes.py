"""ActivityPub outboxes read live: WebFinger names the actor, the actor names its outbox.

`name@host` -> `https://host/.well-known/webfinger?resource=acct:name@host` -> the `self` link
of type activity+json -> the actor document -> its `outbox` (on the actor's own origin) -> the
OrderedCollection and its pages, read by `activitypub.fetch_outbox` (public posts only,
Announces as not the candidate's own, bounded pages and items).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from screening.sources.accounts import split_mastodon
from screening.sources.activitypub import ACTIVITY_JSON, fetch_outbox
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient, require_same_origin
from screening.sources.posts import Post, Window

JRD = "application/jrd+json, application/json"
ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})
_ACTOR_MEDIA = ("application/activity+json", "application/ld+json")


def fetch(
    client: GuardedClient, account: str, window: Window, base_url: str | None = None
) -> Iterator[Post]:
    """Yield the public posts in the outbox of `account` (name@host), newest first."""
    user, host = split_mastodon(account)
    base = (base_url or f"https://{host}").rstrip("/")
    jrd = client.get(f"{base}/.well-known/webfinger",
                     params={"resource": f"acct:{user}@{host}"}, accept=JRD).json()
    return fetch_outbox(client, outbox_link(client, actor_link(jrd)), account, window)


def actor_link(jrd: Any) -> str:
    """Return the actor URL a WebFinger document links as `self`, in an ActivityPub type."""
    links = jrd.get("links") if isinstance(jrd, dict) else None
    if not isinstance(links, list):
        raise SourceError(Failure.GARBAGE, "WebFinger answer without a list of links")
    for link in links:
        if (isinstance(link, dict) and link.get("rel") == "self"
                and isinstance(link.get("type"), str)
                and link["type"].split(";")[0].strip() in _ACTOR_MEDIA
                and isinstance(link.get("href"), str) and link["href"]):
            return link["href"]
    raise SourceError(Failure.NOT_FOUND, "WebFinger names no ActivityPub actor for this account")


def outbox_link(client: GuardedClient, actor_url: str) -> str:
    """Read the actor document and return its outbox URL, which must be on the actor's origin."""
    actor = client.get(actor_url, accept=ACTIVITY_JSON).json()
    kind = actor.get("type") if isinstance(actor, dict) else None
    if not isinstance(kind, str) or kind not in ACTOR_TYPES:
        raise SourceError(Failure.GARBAGE, "the actor document is not an ActivityPub actor")
    outbox = actor.get("outbox")
    if not isinstance(outbox, str) or not outbox:
        raise SourceError(Failure.GARBAGE, "the actor document names no outbox")
    try:
        absolute = urljoin(actor_url, outbox)
    except ValueError as exc:
        raise SourceError(Failure.GARBAGE, "the actor's outbox is not a valid URL") from exc
    return require_same_origin(absolute, actor_url)
