"""The X/Twitter data archive: `data/tweets.js` (and `account.js` for the user name)."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from typing import Any

from screening.sources.errors import Failure, SourceError
from screening.sources.posts import Post, SourceKind
from screening.sources.text import normalise_space

_ASSIGNMENT = re.compile(rb"^\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")
_LANG = re.compile(r"^[a-z]{2}$")  # X also writes und, zxx, qme, art...
TWEET_TIME = "%a %b %d %H:%M:%S %z %Y"


def parse_ytd(data: bytes, name: str) -> list[Any]:
    """Parse a `window.YTD.<thing>.partN = [...]` file of the archive into its list."""
    match = _ASSIGNMENT.match(data)
    if match is None:
        raise SourceError(Failure.INVALID_EXPORT, f"{name} is not an X archive data file")
    try:
        items = json.loads(data[match.end() :].decode("utf-8-sig").rstrip().rstrip(";"))
    except (ValueError, RecursionError) as exc:
        raise SourceError(
            Failure.INVALID_EXPORT, f"{name} is not valid JSON after its prefix"
        ) from exc
    if not isinstance(items, list):
        raise SourceError(Failure.INVALID_EXPORT, f"{name} does not hold a list")
    return items


def username(account_js: bytes | None) -> str | None:
    """Return the user name from `account.js`, if the archive has one."""
    if account_js is None:
        return None
    for item in parse_ytd(account_js, "account.js"):
        name = (item.get("account") or {}).get("username") if isinstance(item, dict) else None
        if isinstance(name, str) and name:
            return name
    return None


def tweets_to_posts(items: list[Any], username: str | None) -> list[Post]:
    """Turn archive tweets into posts; retweets are someone else's words."""
    account = username or "x-archive"
    posts = []
    for item in items:
        tweet = item.get("tweet", item) if isinstance(item, dict) else None
        if isinstance(tweet, dict) and (post := _tweet_post(tweet, account)) is not None:
            posts.append(post)
    return posts


def _tweet_post(tweet: dict[str, Any], account: str) -> Post | None:
    try:
        published = datetime.strptime(str(tweet.get("created_at")), TWEET_TIME)
    except ValueError:
        return None
    text = str(tweet.get("full_text") or tweet.get("text") or "")
    retweet = text.startswith("RT @") or tweet.get("retweeted") is True
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    # Without account.js the user name is unknown; X resolves this form to the right user.
    who = account if account != "x-archive" else "i/web"
    url = f"https://x.com/{who}/status/{tweet_id}" if tweet_id else ""
    lang = tweet.get("lang")
    lang = lang if isinstance(lang, str) and _LANG.match(lang) else None
    return Post(
        SourceKind.X_ARCHIVE, account, url, published, _expand(text, tweet), not retweet, lang
    )


def _expand(text: str, tweet: dict[str, Any]) -> str:
    """Put the real links back for t.co ones and drop media links; undo the archive's escaping."""
    entities = tweet.get("entities") or {}
    for link in entities.get("urls") or []:
        if isinstance(link, dict) and link.get("url"):
            text = text.replace(str(link["url"]), str(link.get("expanded_url") or ""))
    for media in entities.get("media") or []:
        if isinstance(media, dict) and media.get("url"):
            text = text.replace(str(media["url"]), "")
    return normalise_space(html.unescape(text))
