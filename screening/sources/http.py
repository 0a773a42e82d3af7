"""The one guarded HTTP client every source fetches through.

Every request: https only (unless the test policy allows http), addresses checked after DNS and
pinned for the connection, at most `max_redirects` redirects each checked again, connect/read/total
timeouts, a byte cap that stops reading, a per-host rate limit, and retries with backoff on 429/5xx.
"""

from __future__ import annotations

import json
import re
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx

from screening.sources.addresses import AddressPolicy, Resolver, system_resolver
from screening.sources.errors import Failure, SourceError
from screening.sources.ratelimit import HostRateLimiter, is_rate_limited, retry_after
from screening.sources.transport import PinnedTransport, deadline

USER_AGENT = "FairscreenBot/0.1 (candidate-consented screening; reads public posts only)"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_LINK = re.compile(r'<([^>]*)>\s*;[^,<]*?rel="?([^";,]+)"?')


@dataclass(frozen=True)
class ClientSettings:
    """Limits of the guarded client; tests shrink the waits through these."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3
    max_retries: int = 2
    backoff: float = 1.0
    max_retry_wait: float = 60.0
    min_interval: float = 1.0
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Fetched:
    """A completed response: final URL, status, headers and the (capped) body."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """Decode the body as JSON, refusing other content types and malformed text."""
        if "json" not in self.content_type:
            raise SourceError(
                Failure.GARBAGE, f"expected JSON from {_host(self.url)}, got {self.content_type!r}"
            )
        try:
            return json.loads(self.content)
        except (ValueError, RecursionError) as exc:
            raise SourceError(Failure.GARBAGE, f"malformed JSON from {_host(self.url)}") from exc

    def link(self, rel: str) -> str | None:
        """Return the absolute URL of the `Link` header entry with relation `rel`."""
        for target, relation in _LINK.findall(self.headers.get("link", "")):
            if rel in relation.split():
                return urljoin(self.url, target)
        return None


class GuardedClient:
    """Fetch public URLs safely; raise SourceError with a reason for anything else."""

    def __init__(
        self,
        settings: ClientSettings | None = None,
        *,
        policy: AddressPolicy | None = None,
        resolver: Resolver = system_resolver,
        verify: ssl.SSLContext | bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or ClientSettings()
        self.policy = policy or AddressPolicy.from_env()
        self._sleep = sleep
        self._limiter = HostRateLimiter(
            self.settings.min_interval, self.settings.max_retry_wait, sleep
        )
        s = self.settings
        self._http = httpx.Client(
            transport=PinnedTransport(self.policy, resolver, verify),
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent},
            follow_redirects=False,
            trust_env=False,
        )

    def __enter__(self) -> GuardedClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()

    def get(
        self, url: str, *, params: Mapping[str, str | int] | None = None, accept: str = "*/*"
    ) -> Fetched:
        """GET `url`, retrying 429/5xx politely; raise SourceError unless it ends in 2xx."""
        url = str(httpx.URL(self.check_url(url)).copy_merge_params(params or {}))
        for attempt in range(self.settings.max_retries + 1):
            fetched = self._follow(url, accept)
            retryable = is_rate_limited(fetched.status, fetched.headers) or fetched.status >= 500
            if not retryable or attempt == self.settings.max_retries:
                break
            delay = retry_after(fetched.headers)
            delay = self.settings.backoff * 2**attempt if delay is None else delay
            if delay > self.settings.max_retry_wait:
                break
            self._sleep(delay)
        raise_for_status(fetched)
        return fetched

    def get_json(self, url: str, *, params: Mapping[str, str | int] | None = None) -> Any:
        """GET `url` and decode its JSON body."""
        return self.get(url, params=params, accept="application/json").json()

    def check_url(self, url: str) -> str:
        """Refuse URLs that are not https (http under the test policy) or carry credentials."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise SourceError(Failure.BLOCKED, "not a valid URL") from exc
        allowed = {"https", "http"} if self.policy.allow_http else {"https"}
        if parsed.scheme not in allowed:
            raise SourceError(Failure.BLOCKED, f"scheme {parsed.scheme or 'none'!r} is not allowed")
        if not parsed.host or parsed.userinfo:
            raise SourceError(Failure.BLOCKED, "URL must name a host and carry no credentials")
        return url

    def _follow(self, url: str, accept: str) -> Fetched:
        """Follow redirects ourselves so each hop's URL is checked before connecting.

        The total timeout covers the whole chain of hops, not each one.
        """
        token = deadline.set(time.monotonic() + self.settings.total_timeout)
        try:
            for _hop in range(self.settings.max_redirects + 1):
                self._limiter.wait(_host(url))
                fetched = self._exchange(url, accept)
                if fetched.status not in REDIRECTS:
                    return fetched
                location = fetched.headers.get("location")
                if not location:
                    raise SourceError(
                        Failure.HTTP_ERROR, f"redirect without Location from {_host(url)}"
                    )
                url = self.check_url(urljoin(url, location))
        finally:
            deadline.reset(token)
        raise SourceError(Failure.HTTP_ERROR, f"more than {self.settings.max_redirects} redirects")

    def _exchange(self, url: str, accept: str) -> Fetched:
        try:
            with self._http.stream("GET", url, headers={"Accept": accept}) as response:
                self._note_limits(url, response.headers)
                body = b"" if response.status_code in REDIRECTS else self._read_capped(response)
                return Fetched(str(response.url), response.status_code, response.headers, body)
        except httpx.TimeoutException as exc:
            raise SourceError(Failure.TIMEOUT, f"{_host(url)} did not answer in time") from exc
        except httpx.DecodingError as exc:
            raise SourceError(Failure.GARBAGE, f"undecodable body from {_host(url)}") from exc
        except httpx.HTTPError as exc:
            raise SourceError(Failure.NETWORK, f"cannot reach {_host(url)}") from exc

    def _read_capped(self, response: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(response, limit)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    def _note_limits(self, url: str, headers: Mapping[str, str]) -> None:
        """Stop asking a host whose quota is spent until it resets (GitHub's X-RateLimit-*)."""
        if headers.get("x-ratelimit-remaining") == "0":
            wait = retry_after({k: v for k, v in headers.items() if k != "retry-after"})
            if wait:
                self._limiter.hold(_host(url), wait)


def raise_for_status(fetched: Fetched) -> None:
    """Turn a non-2xx status into a SourceError naming the reason."""
    status, host = fetched.status, _host(fetched.url)
    if 200 <= status < 300:
        return
    if is_rate_limited(status, fetched.headers):
        raise SourceError(Failure.RATE_LIMITED, f"{host} is rate limiting us (HTTP {status})")
    reasons = {
        404: Failure.NOT_FOUND,
        410: Failure.GONE,
        401: Failure.FORBIDDEN,
        403: Failure.FORBIDDEN,
    }
    failure = reasons.get(status, Failure.SERVER_ERROR if status >= 500 else Failure.HTTP_ERROR)
    raise SourceError(failure, f"HTTP {status} from {host}")


def _too_large(response: httpx.Response, limit: int) -> SourceError:
    return SourceError(
        Failure.TOO_LARGE, f"response from {_host(str(response.url))} exceeds {limit} bytes"
    )


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host or "?"
    except httpx.InvalidURL:
        return "?"


def require_same_origin(url: str, base: str) -> str:
    """Refuse a pagination link pointing away from the host being read."""
    try:
        a, b = httpx.URL(url), httpx.URL(base)
    except (httpx.InvalidURL, TypeError) as exc:
        raise SourceError(Failure.GARBAGE, "a link in the response is not a valid URL") from exc
    if (a.scheme, a.host, a.port) != (b.scheme, b.host, b.port):
        raise SourceError(Failure.GARBAGE, f"{b.host} sent a next-page link to another host")
    return url
