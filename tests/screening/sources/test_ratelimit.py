"""Per-host spacing of requests and the waits servers ask for."""

from __future__ import annotations

import email.utils

import pytest

from screening.sources.errors import Failure, SourceError
from screening.sources.ratelimit import HostRateLimiter, is_rate_limited, retry_after


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_to_one_host_are_spaced_and_other_hosts_are_not_held_up() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(1.0, 10.0, clock.sleep, lambda: clock.now)
    limiter.wait("a.example")
    limiter.wait("b.example")
    limiter.wait("a.example")
    assert clock.slept == [1.0]


def test_a_held_host_waits_then_refuses_beyond_the_limit() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(0.0, 10.0, clock.sleep, lambda: clock.now)
    limiter.hold("api.example", 5.0)
    limiter.wait("api.example")
    assert clock.slept == [5.0]
    limiter.hold("api.example", 60.0)
    with pytest.raises(SourceError) as caught:
        limiter.wait("api.example")
    assert caught.value.failure is Failure.RATE_LIMITED


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "30"}, 30.0),
        ({"retry-after": email.utils.formatdate(1_000_120, usegmt=True)}, 120.0),
        ({"retry-after": "soon"}, None),
        ({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1000300"}, 300.0),
        ({"x-ratelimit-remaining": "12", "x-ratelimit-reset": "1000300"}, None),
        ({}, None),
    ],
)
def test_retry_after_reads_seconds_dates_and_github_resets(
    headers: dict[str, str], seconds: float | None
) -> None:
    assert retry_after(headers, now=1_000_000) == seconds


@pytest.mark.parametrize(
    ("status", "headers", "limited"),
    [
        (429, {}, True),
        (403, {"x-ratelimit-remaining": "0"}, True),
        (403, {"x-ratelimit-remaining": "5"}, False),
        (403, {}, False),
        (503, {}, False),
    ],
)
def test_rate_limit_refusals_are_told_apart(status: int, headers: dict, limited: bool) -> None:
    assert is_rate_limited(status, headers) is limited
