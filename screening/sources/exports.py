"""Candidates' own data exports, read in memory: X archive, LinkedIn export, Mastodon archive."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from screening.sources import linkedin, tolerant_json, x_archive
from screening.sources.activitypub import activities_to_posts
from screening.sources.archives import (
    MB,
    ArchiveLimits,
    SafeZip,
    check_json_density,
    is_zip,
    shown_name,
)
from screening.sources.errors import Failure, Problem, SourceError, unexpected
from screening.sources.paging import within_window
from screening.sources.posts import MAX_URL_CHARS, Post, SourceKind, Window

_HANDLE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_TWEET_FILES = re.compile(r"(?:^|/)tweets?(?:-part\d+)?\.js$", re.IGNORECASE)
UNRECOGNISED = (
    "not a recognised export: upload the X archive ZIP, the LinkedIn export (ZIP or its "
    "Profile/Positions/Skills/Shares CSV files) or the Mastodon archive (ZIP or outbox.json)"
)


@dataclass
class ExportRead:
    """The posts of an export, and the auxiliary files left out because they were broken.

    `skipped` names files (as shown to the candidate), never their content; a broken file that
    holds the posts themselves is a SourceError instead.
    """

    posts: list[Post]
    skipped: list[str] = field(default_factory=list)


def read_export(
    filename: str,
    data: bytes,
    *,
    window: Window | None = None,
    limits: ArchiveLimits | None = None,
    exported_at: datetime | None = None,
) -> list[Post]:
    """Read an uploaded export into posts, newest first, without writing anything to disk.

    Raise SourceError for anything that cannot be read, including a reader's own failure.
    """
    return read_export_with_skips(
        filename, data, window=window, limits=limits, exported_at=exported_at
    ).posts


def read_export_with_skips(
    filename: str,
    data: bytes,
    *,
    window: Window | None = None,
    limits: ArchiveLimits | None = None,
    exported_at: datetime | None = None,
) -> ExportRead:
    """Read an export as `read_export` does, also naming the broken auxiliary files left out."""
    limits = limits or ArchiveLimits()
    exported = exported_at or datetime.now(UTC)
    if not is_zip(data) and len(data) > limits.max_file:
        raise SourceError(
            Failure.INVALID_EXPORT, f"the file is larger than {limits.max_file / MB:g} MB",
            Problem.FILE_TOO_LARGE, limit=limits.max_file
        )
    skipped: list[str] = []
    try:
        if is_zip(data):
            posts = _from_zip(SafeZip(data, limits), exported, skipped)
        else:
            posts = _from_file(filename, data, exported)
    except SourceError:
        raise
    except Exception as error:  # noqa: BLE001 - a reader's bug on hostile input is no 500
        raise unexpected(Failure.INVALID_EXPORT, error, "an export") from None
    posts.sort(key=lambda p: p.published, reverse=True)
    return ExportRead(list(within_window([posts], window or Window(limit=10**9))), skipped)


def _from_zip(archive: SafeZip, exported: datetime, skipped: list[str]) -> list[Post]:
    """Read the archive's posts; a broken auxiliary file is named in `skipped`, not fatal."""
    tweet_files = sorted(n for n in archive.names if _TWEET_FILES.search(n))
    if tweet_files:
        account_js = archive.find("account.js")
        name = None
        if account_js:
            account = archive.read(account_js)  # the budget still refuses, whatever the file
            try:
                name = x_archive.username(account)
            except SourceError:  # only the user name is lost: posts link through i/web
                skipped.append(shown_name(account_js))
        # Part by part: a parsed part takes many times its bytes, so only one is held at a time.
        posts = []
        for part in tweet_files:
            posts += x_archive.tweets_to_posts(x_archive.parse_ytd(archive.read(part), part), name)
        return posts
    outbox = archive.find("outbox.json")
    if outbox:
        return _mastodon_archive(archive.read(outbox))
    found = [(f, archive.find(f)) for f in linkedin.FILES]
    if any(member for _, member in found):
        return [
            post
            for kind, member in found
            if member
            for post in _linkedin_file(archive.read(member), member, exported, kind)
        ]
    raise SourceError(Failure.INVALID_EXPORT, UNRECOGNISED, Problem.UNRECOGNISED_EXPORT)


def _from_file(filename: str, data: bytes, exported: datetime) -> list[Post]:
    name = filename.lower()
    if data.removeprefix(x_archive.BOM).lstrip()[:11] == b"window.YTD.":
        return x_archive.tweets_to_posts(x_archive.parse_ytd(data, filename), None)
    if name.endswith(".json"):
        return _mastodon_archive(data)
    if name.endswith(".csv"):
        return _linkedin_file(data, filename, exported)
    raise SourceError(Failure.INVALID_EXPORT, UNRECOGNISED, Problem.UNRECOGNISED_EXPORT)


def _linkedin_file(
    data: bytes, name: str, exported: datetime, kind: str | None = None
) -> list[Post]:
    header, rows = linkedin.read_csv(data, name)
    kind = kind or linkedin.file_kind(header)
    if kind is None:
        raise SourceError(
            Failure.INVALID_EXPORT, f"{name} is not one of {', '.join(linkedin.FILES)}",
            Problem.NOT_LINKEDIN, file=name
        )
    return linkedin.to_posts(kind, rows, "linkedin-export", exported)


def _mastodon_archive(data: bytes) -> list[Post]:
    check_json_density(data, "outbox.json")
    try:
        outbox: Any = tolerant_json.loads(data)
    except ValueError as exc:
        raise SourceError(Failure.INVALID_EXPORT, "outbox.json is not valid JSON", Problem.BAD_JSON,
                          file="outbox.json") from exc
    if not isinstance(outbox, dict):
        raise SourceError(Failure.INVALID_EXPORT, "outbox.json is not an ActivityPub outbox",
                          Problem.NOT_AN_OUTBOX)
    items = outbox.get("orderedItems")
    if outbox.get("type") != "OrderedCollection" or not isinstance(items, list):
        raise SourceError(Failure.INVALID_EXPORT, "outbox.json is not an ActivityPub outbox",
                          Problem.NOT_AN_OUTBOX)
    return activities_to_posts(items, _actor_handle(items), SourceKind.MASTODON_ARCHIVE)


def _actor_handle(items: list[Any]) -> str:
    """Name the account as name@instance from the first actor URL that names both."""
    for item in items:
        actor = item.get("actor") if isinstance(item, dict) else None
        if isinstance(actor, str) and len(actor) <= MAX_URL_CHARS:
            try:
                parts = urlsplit(actor)
                host = parts.hostname
            except ValueError:  # "http://[" and other broken URLs
                continue
            name = parts.path.rstrip("/").rsplit("/", 1)[-1]
            if host and _HANDLE.match(name):
                return f"{name}@{host}"
    return "mastodon-archive"
