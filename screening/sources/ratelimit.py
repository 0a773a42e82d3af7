"""Politeness towards each host: a minimum gap between requests and how long to back off."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping

from screening.sources.errors import Failure, SourceError


class HostRateLimiter:
    """Space requests to one host at least `min_interval` apart, across threads."""

    def __init__(
        self,
        min_interval: float,
        max_wait: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._min_interval = min_interval
        self._max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Block until `host` may be asked again, or refuse if that is too far off."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            delay = start - now
            if delay > self._max_wait:
                raise SourceError(
                    Failure.RATE_LIMITED, f"{host} asks to wait {delay:.0f}s, more than allowed"
                )
            self._next[host] = start + self._min_interval
        if delay > 0:
            self._sleep(delay)

    def hold(self, host: str, seconds: float) -> None:
        """Keep `host` untouched for `seconds`, as its rate-limit headers asked."""
        with self._lock:
            until = self._clock() + seconds
            self._next[host] = max(self._next.get(host, until), until)


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Return the seconds a server asked us to wait (Retry-After or X-RateLimit-Reset)."""
    now = time.time() if now is None else now
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - now)
    if headers.get("x-ratelimit-remaining") == "0":
        reset = headers.get("x-ratelimit-reset", "")
        if reset.isdigit():
            return max(0.0, int(reset) - now)
    return None


def is_rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    """Tell a rate-limit refusal, including GitHub's 403 with no requests remaining."""
    return status == 429 or (status == 403 and headers.get("x-ratelimit-remaining") == "0")
