"""RSS and Atom feeds (blogs, Mastodon `@user.rss`, Medium, Substack) through feedparser."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient
from screening.sources.paging import within_window
from screening.sources.posts import Post, SourceKind, Window
from screening.sources.text import html_to_text, normalise_space

FEED_TYPES = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8"


def fetch(
    client: GuardedClient, account: str, window: Window, base_url: str | None = None
) -> Iterator[Post]:
    """Fetch the feed at `account` (its URL) and yield its entries inside `window`.

    `base_url` is accepted for the common connector signature; a feed's URL is its account.
    """
    fetched = client.get(account, accept=FEED_TYPES)
    posts = parse_feed(fetched.content, account, fetched.content_type)
    return within_window([sorted(posts, key=lambda p: p.published, reverse=True)], window)


def parse_feed(data: bytes, account: str, content_type: str = "") -> list[Post]:
    """Parse feed bytes into posts; refuse entity tricks and anything that is not a feed."""
    refuse_entities(data)
    headers = {"content-type": content_type} if content_type else {}
    # Bytes, never a URL: given a string feedparser would fetch it itself, unguarded.
    feed = feedparser.parse(
        data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    if not feed.get("version") and not feed.entries:
        raise SourceError(Failure.GARBAGE, "not an RSS or Atom feed")
    lang = _lang(feed.feed.get("language"))
    return [post for e in feed.entries if (post := _entry_post(e, account, lang)) is not None]


def refuse_entities(data: bytes) -> None:
    """Refuse XML that declares entities (billion laughs, external ones) before parsing it."""
    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SourceError(Failure.GARBAGE, "feed declares XML entities; refused") from exc
    except (ParseError, ValueError):
        # Not well-formed: feedparser's lenient parser, which expands no declared entities,
        # decides whether anything usable is in it.
        return


def _entry_post(entry: Any, account: str, feed_lang: str | None) -> Post | None:
    # Plain dict look-ups: feedparser's own maps a missing updated_parsed onto an unparseable
    # published one, with a DeprecationWarning.
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if parsed is None:
        return None  # undated: cannot be placed in the lookback window
    try:
        published = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None  # a date outside what can be placed in time
    title = normalise_space(html_to_text(entry.get("title", "")))
    body = html_to_text(_body(entry))
    text = "\n\n".join(part for part in (title, body) if part)
    lang = _lang(_content(entry).get("language")) or feed_lang
    return Post(SourceKind.RSS, account, entry.get("link", ""), published, text, True, lang)


def _content(entry: Any) -> Any:
    contents = entry.get("content") or []
    return max(contents, key=lambda c: len(c.get("value", "")), default={})


def _body(entry: Any) -> str:
    content = _content(entry).get("value", "")
    return content or entry.get("summary", "")


def _lang(value: str | None) -> str | None:
    return value.split("-")[0].lower() if value else None
