"""Run connectors by kind, and several sources at once with each failure reported on its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from screening.sources import bluesky, github, mastodon, outboxes, rss
from screening.sources.accounts import normalise_account
from screening.sources.errors import Failure, SourceError, unexpected
from screening.sources.http import GuardedClient
from screening.sources.posts import Post, SourceKind, Window

Connector = Callable[[GuardedClient, str, Window, str | None], Iterator[Post]]

CONNECTORS: dict[SourceKind, Connector] = {
    SourceKind.RSS: rss.fetch,
    SourceKind.MASTODON: mastodon.fetch,
    SourceKind.ACTIVITYPUB: outboxes.fetch,
    SourceKind.GITHUB: github.fetch,
    SourceKind.BLUESKY: bluesky.fetch,
}


@dataclass(frozen=True)
class SourceRequest:
    """One confirmed account to read; `base_url` points at a self-hosted or test server."""

    kind: SourceKind
    account: str
    base_url: str | None = None


@dataclass(frozen=True)
class SourceResult:
    """What reading one source gave: its posts, or why it failed (never both)."""

    request: SourceRequest
    posts: tuple[Post, ...] = ()
    failure: Failure | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def fetch_source(
    client: GuardedClient,
    kind: SourceKind | str,
    account: str,
    window: Window,
    base_url: str | None = None,
) -> list[Post]:
    """Read one source into posts; raise SourceError saying why it could not be read."""
    kind = SourceKind(kind)
    if kind not in CONNECTORS:
        raise SourceError(Failure.INVALID_ACCOUNT, f"{kind} is not fetched over the network")
    account = normalise_account(kind, account)
    try:
        return list(CONNECTORS[kind](client, account, window, base_url))
    except SourceError:
        raise
    except Exception as error:  # noqa: BLE001 - a parser bug on hostile input must not sink the run
        raise unexpected(Failure.GARBAGE, error, str(kind)) from None


def fetch_all(
    requests: Iterable[SourceRequest],
    window: Window,
    client: GuardedClient | None = None,
    max_workers: int = 4,
) -> list[SourceResult]:
    """Read every source, in parallel; one failing source never fails the others."""
    requests = list(requests)
    own_client = client is None
    client = client or GuardedClient()
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(requests) or 1))) as pool:
            return list(pool.map(lambda r: _fetch_one(client, r, window), requests))
    finally:
        if own_client:
            client.close()


def _fetch_one(client: GuardedClient, request: SourceRequest, window: Window) -> SourceResult:
    try:
        posts = fetch_source(client, request.kind, request.account, window, request.base_url)
    except SourceError as exc:
        return SourceResult(request, failure=exc.failure, message=exc.message)
    except ValueError as exc:  # a kind that is no SourceKind
        return SourceResult(request, failure=Failure.INVALID_ACCOUNT, message=str(exc))
    return SourceResult(request, posts=tuple(posts))
