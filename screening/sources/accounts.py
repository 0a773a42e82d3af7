"""Normalise and validate what a candidate types as an account, per source kind.

Each kind accepts the forms people actually paste (handles, profile URLs) and returns one
canonical string; anything else is refused with a message saying what the form should be.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from screening.sources.addresses import parse_address
from screening.sources.errors import Failure, Problem, SourceError
from screening.sources.posts import SourceKind

_HOST = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$"
)
_MASTODON_USER = re.compile(r"^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$", re.IGNORECASE)
_GITHUB_LOGIN = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$", re.IGNORECASE)
_DID = re.compile(r"^did:(?:plc:[a-z2-7]{24}|web:[a-z0-9.-]+(?:%3a\d+)?)$")


class AccountError(SourceError):
    """What the candidate typed is not an account of that kind."""

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(Failure.INVALID_ACCOUNT, message, problem)


def normalise_account(kind: SourceKind | str, text: str) -> str:
    """Return the canonical form of `text` as an account of `kind`, or raise AccountError."""
    try:
        normalise = _NORMALISERS[SourceKind(kind)]
    except (ValueError, KeyError) as exc:
        raise AccountError(
            f"{kind!r} is not a source that takes an account", Problem.NO_ACCOUNT_SOURCE
        ) from exc
    cleaned = (text or "").strip()
    if not cleaned or any(c.isspace() for c in cleaned):
        raise AccountError(
            "an account cannot be empty or contain spaces", Problem.ACCOUNT_EMPTY
        )
    return normalise(cleaned)


def feed_url(text: str) -> str:
    """Accept an http(s) feed URL; a bare host and path is taken to mean https."""
    url = text if "://" in text else f"https://{text}"
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise AccountError(
            "a feed must be an https:// address, e.g. https://example.org/feed", Problem.FEED_SCHEME
        )
    if parts.username or parts.password:
        raise AccountError(
            "a feed address must not contain a user name or password", Problem.FEED_CREDENTIALS
        )
    host = parts.hostname or ""
    # An address literal passes here; whether it may be reached is the guarded client's call.
    if not (_is_host(host) or parse_address(host) is not None):
        raise AccountError(
            "a feed address needs a host name, e.g. https://example.org/feed", Problem.FEED_HOST
        )
    return url


def mastodon_handle(text: str) -> str:
    """Accept @name@instance, name@instance or https://instance/@name; return name@instance."""
    if "://" in text:
        parts = urlsplit(text)
        path = parts.path.strip("/").split("/")
        if len(path) == 1 and path[0].startswith("@"):
            user = path[0][1:]
        elif len(path) == 2 and path[0] == "users":
            user = path[1]
        else:
            raise AccountError(
                "a Mastodon profile URL looks like https://instance.social/@name",
                Problem.MASTODON_URL
            )
        host = parts.hostname or ""
    else:
        user, _, host = text.removeprefix("@").partition("@")
    if not _MASTODON_USER.match(user) or not _is_host(host.lower()):
        raise AccountError(
            "a Mastodon account looks like @name@instance.social", Problem.MASTODON_HANDLE
        )
    return f"{user}@{host.lower()}"


def split_mastodon(handle: str) -> tuple[str, str]:
    """Split a normalised Mastodon handle into (name, instance host)."""
    user, _, host = mastodon_handle(handle).partition("@")
    return user, host


def bluesky_actor(text: str) -> str:
    """Accept a handle (@name.bsky.social), a DID or a bsky.app profile URL."""
    if "://" in text:
        parts = urlsplit(text)
        path = parts.path.strip("/").split("/")
        if len(path) != 2 or path[0] != "profile":
            raise AccountError(
                "a Bluesky profile URL looks like https://bsky.app/profile/name",
                Problem.BLUESKY_URL
            )
        text = path[1]
    text = text.removeprefix("@").lower()
    if text.startswith("did:"):
        if not _DID.match(text):
            raise AccountError(
                "a Bluesky DID looks like did:plc:... (24 characters) or did:web:",
                Problem.BLUESKY_DID
            )
        return text
    if not _is_host(text):
        raise AccountError(
            "a Bluesky handle looks like name.bsky.social or a domain name", Problem.BLUESKY_HANDLE
        )
    return text


def github_login(text: str) -> str:
    """Accept a GitHub login, @login or https://github.com/login."""
    if "://" in text or text.lower().startswith("github.com/"):
        parts = urlsplit(text if "://" in text else f"https://{text}")
        path = parts.path.strip("/").split("/")
        if (parts.hostname or "").lower() not in ("github.com", "www.github.com") or len(path) != 1:
            raise AccountError(
                "a GitHub profile URL looks like https://github.com/login", Problem.GITHUB_URL
            )
        text = path[0]
    login = text.removeprefix("@")
    if not _GITHUB_LOGIN.match(login):
        raise AccountError(
            "a GitHub login has up to 39 letters, digits or single hyphens, not at the ends",
            Problem.GITHUB_LOGIN,
        )
    return login


def _is_host(host: str) -> bool:
    return bool(_HOST.match(host))


_NORMALISERS: dict[SourceKind, Callable[[str], str]] = {
    SourceKind.RSS: feed_url,
    SourceKind.MASTODON: mastodon_handle,
    SourceKind.ACTIVITYPUB: mastodon_handle,
    SourceKind.GITHUB: github_login,
    SourceKind.BLUESKY: bluesky_actor,
}
