"""The X/Twitter data archive: `data/tweets.js` (and `account.js` for the user name)."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from screening.sources import tolerant_json
from screening.sources.archives import check_json_density
from screening.sources.errors import Failure, Problem, SourceError
from screening.sources.posts import MAX_URL_CHARS, Post, SourceKind, in_utc
from screening.sources.text import MAX_SOURCE_CHARS, normalise_space

_ASSIGNMENT = re.compile(rb"^\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")
_LANG = re.compile(r"^[a-z]{2}$")  # X also writes und, zxx, qme, art...
_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,50}$")  # it becomes part of every post's link
TWEET_TIME = "%a %b %d %H:%M:%S %z %Y"
BOM = b"\xef\xbb\xbf"


def parse_ytd(data: bytes, name: str) -> list[Any]:
    """Parse a `window.YTD.<thing>.partN = [...]` file of the archive into its list.

    The file may have been through a JavaScript formatter (see `tolerant_json`).
    """
    data = data.removeprefix(BOM)
    match = _ASSIGNMENT.match(data)
    if match is None:
        raise SourceError(Failure.INVALID_EXPORT, f"{name} is not an X archive data file",
                          Problem.NOT_X_DATA, file=name)
    check_json_density(data, name)
    try:
        items = tolerant_json.loads(data[match.end() :].decode("utf-8").rstrip().rstrip(";"))
    except ValueError as exc:
        raise SourceError(
            Failure.INVALID_EXPORT, f"{name} is not valid JSON after its prefix", Problem.BAD_JSON,
            file=name
        ) from exc
    if not isinstance(items, list):
        raise SourceError(
            Failure.INVALID_EXPORT, f"{name} does not hold a list", Problem.NOT_A_LIST, file=name
        )
    return items


def username(account_js: bytes | None) -> str | None:
    """Return the user name from `account.js`, if the archive has one."""
    if account_js is None:
        return None
    for item in parse_ytd(account_js, "account.js"):
        account = item.get("account") if isinstance(item, dict) else None
        name = account.get("username") if isinstance(account, dict) else None
        if isinstance(name, str) and _USERNAME.match(name):
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
    created = tweet.get("created_at")
    try:
        published = in_utc(datetime.strptime(created, TWEET_TIME))
    except (TypeError, ValueError):
        return None
    if published is None:
        return None
    text = _string(tweet.get("full_text")) or _string(tweet.get("text"))
    retweet = text.startswith("RT @") or tweet.get("retweeted") is True
    tweet_id = _tweet_id(tweet.get("id_str")) or _tweet_id(tweet.get("id"))
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
    text = text[:MAX_SOURCE_CHARS]
    entities = tweet.get("entities")
    entities = entities if isinstance(entities, dict) else {}
    for link in _list(entities.get("urls")):
        if isinstance(link, dict):
            text = _replace(text, _string(link.get("url")), _string(link.get("expanded_url")))
    for media in _list(entities.get("media")):
        if isinstance(media, dict):
            text = _replace(text, _string(media.get("url")), "")
    return normalise_space(html.unescape(text))


def _replace(text: str, short: str, expanded: str) -> str:
    """Replace a t.co link, unless the replacement would grow the text past what is read."""
    if not short.startswith("http") or len(expanded) > MAX_URL_CHARS:
        return text
    grown = len(text) + text.count(short) * (len(expanded) - len(short))
    return text.replace(short, expanded) if grown <= MAX_SOURCE_CHARS else text


def _tweet_id(value: Any) -> str:
    """Return a tweet id as digits, or "" for anything that could not be one."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
    return text if text.isascii() and text.isdigit() and len(text) <= 20 else ""


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
