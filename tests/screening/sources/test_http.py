"""The guarded client against a real local server: limits, redirects, retries, pinning."""

from __future__ import annotations

import gzip
import ipaddress
import time

import pytest

from screening.sources.addresses import AddressPolicy
from screening.sources.errors import Failure, SourceError
from screening.sources.http import USER_AGENT, GuardedClient
from tests.screening.sources.conftest import FAST, RecordedServer, reply, stream_chunks

JSON = "application/json"


def failure_of(client: GuardedClient, url: str) -> Failure:
    with pytest.raises(SourceError) as caught:
        client.get(url)
    return caught.value.failure


def redirect(to: str):
    return lambda h: reply(h, 302, b"", "text/plain", Location=to)


def test_fetches_with_a_polite_user_agent(server: RecordedServer, guarded: GuardedClient) -> None:
    url = server.serve("/ok", b'{"a": 1}', JSON)
    assert guarded.get_json(url) == {"a": 1}
    assert server.requests[0][1]["user-agent"] == USER_AGENT


def test_connects_to_the_checked_address_and_keeps_the_host_name(
    server: RecordedServer, sleeps: list[float], connects: list
) -> None:
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])  # a rebinding resolver: second answer differs
    resolved: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        resolved.append(host)
        return next(answers)

    server.serve("/ok", b"{}", JSON)
    with GuardedClient(FAST, resolver=resolver, sleep=sleeps.append) as client:
        client.get(f"http://feeds.example.test:{server.port}/ok")
        client.get(f"http://feeds.example.test:{server.port}/ok")  # pooled: no new lookup
    assert resolved == ["feeds.example.test"]
    assert connects == [("127.0.0.1", server.port)]
    assert [h["host"] for _, h in server.requests] == [f"feeds.example.test:{server.port}"] * 2


def test_name_resolving_to_metadata_address_is_refused_before_connecting(
    server: RecordedServer, sleeps: list[float], connects: list
) -> None:
    with GuardedClient(FAST, resolver=lambda h, p: ["169.254.169.254"]) as client:
        assert failure_of(client, "http://metadata.example.test/latest") is Failure.BLOCKED
    assert connects == []


def test_plain_http_and_loopback_are_refused_in_production(
    server: RecordedServer, monkeypatch: pytest.MonkeyPatch, connects: list
) -> None:
    monkeypatch.delenv("FAIRSCREEN_ALLOW_PRIVATE_HOSTS")
    url = server.serve("/ok", b"{}", JSON)
    with GuardedClient(FAST) as client:
        assert failure_of(client, url) is Failure.BLOCKED
        assert failure_of(client, f"https://127.0.0.1:{server.port}/ok") is Failure.BLOCKED
        assert failure_of(client, "ftp://example.org/feed") is Failure.BLOCKED
        assert failure_of(client, "https://user:pw@example.org/") is Failure.BLOCKED
    assert connects == []


def test_redirect_to_metadata_address_is_refused_before_connecting(
    server: RecordedServer, guarded: GuardedClient, connects: list
) -> None:
    url = server.route("/r", redirect("http://169.254.169.254/latest/meta-data/"))
    assert failure_of(guarded, url) is Failure.BLOCKED
    assert connects == [("127.0.0.1", server.port)]


@pytest.mark.parametrize(
    ("start", "allowed", "address"),
    [("server", "127.0.0.1/32", "127.0.0.1"), ("server6", "::1/128", "::1")],
    ids=["ipv4-to-ipv6", "ipv6-to-ipv4"],
)
def test_redirect_to_the_other_loopback_is_refused(
    request: pytest.FixtureRequest,
    sleeps: list[float],
    connects: list,
    start: str,
    allowed: str,
    address: str,
) -> None:
    # Only the first server's own address is allowed, as a public host would be in production.
    origin = request.getfixturevalue(start)
    target = request.getfixturevalue("server6" if start == "server" else "server")
    policy = AddressPolicy(allowed=(ipaddress.ip_network(allowed),), allow_http=True)
    url = origin.route("/r", redirect(target.url("/ok")))
    target.serve("/ok", b"{}", JSON)
    with GuardedClient(FAST, policy=policy, sleep=sleeps.append) as client:
        assert failure_of(client, url) is Failure.BLOCKED
    assert connects == [(address, origin.port)]
    assert target.requests == []


def test_three_redirects_are_followed_and_a_fourth_is_not(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    for n in range(4):
        server.route(f"/hop{n}", redirect(f"/hop{n + 1}"))
    server.serve("/hop4", b'{"done": true}', JSON)
    assert guarded.get_json(server.url("/hop1")) == {"done": True}
    assert failure_of(guarded, server.url("/hop0")) is Failure.HTTP_ERROR


def test_redirect_loop_ends(server: RecordedServer, guarded: GuardedClient) -> None:
    url = server.route("/loop", redirect("/loop"))
    assert failure_of(guarded, url) is Failure.HTTP_ERROR
    assert server.hits("/loop") == 4


def test_declared_huge_body_is_refused_unread(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    def huge(h) -> None:
        h.send_response(200)
        h.send_header("Content-Type", JSON)
        h.send_header("Content-Length", str(10**10))
        h.end_headers()
        h.wfile.write(b"[" * 1024)

    assert failure_of(guarded, server.route("/huge", huge)) is Failure.TOO_LARGE


def test_endless_chunked_stream_is_cut_at_the_byte_cap(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    url = server.route("/endless", lambda h: stream_chunks(h, b"x" * 4096))
    assert failure_of(guarded, url) is Failure.TOO_LARGE


def test_compressed_bomb_is_cut_at_the_byte_cap(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    bomb = gzip.compress(b"\0" * (8 * 1024 * 1024))
    url = server.serve("/bomb", bomb, JSON, Content_Encoding="gzip")
    assert len(bomb) < FAST.max_bytes
    assert failure_of(guarded, url) is Failure.TOO_LARGE


def test_slow_drip_hits_the_total_timeout(server: RecordedServer, guarded: GuardedClient) -> None:
    # Each byte arrives well within the read timeout; only the total timeout can stop it.
    url = server.route("/drip", lambda h: stream_chunks(h, b" ", pause=0.2))
    assert failure_of(guarded, url) is Failure.TIMEOUT


def test_silent_server_hits_the_read_timeout(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    url = server.route("/silent", lambda h: time.sleep(2))
    assert failure_of(guarded, url) is Failure.TIMEOUT


@pytest.mark.parametrize(
    ("status", "failure"),
    [
        (404, Failure.NOT_FOUND),
        (410, Failure.GONE),
        (401, Failure.FORBIDDEN),
        (418, Failure.HTTP_ERROR),
        (503, Failure.SERVER_ERROR),
    ],
)
def test_status_codes_name_the_failure(
    server: RecordedServer, guarded: GuardedClient, status: int, failure: Failure
) -> None:
    url = server.route("/s", lambda h: reply(h, status, b"{}", JSON))
    assert failure_of(guarded, url) is failure


def test_server_errors_are_retried_with_backoff(
    server: RecordedServer, guarded: GuardedClient, sleeps: list[float]
) -> None:
    answers = iter([503, 502, 200])
    url = server.route("/flaky", lambda h: reply(h, next(answers), b"{}", JSON))
    assert guarded.get_json(url) == {}
    assert sleeps == [FAST.backoff, FAST.backoff * 2]


def test_retry_after_is_honoured(
    server: RecordedServer, guarded: GuardedClient, sleeps: list[float]
) -> None:
    answers = iter([429, 200])
    url = server.route("/limited", lambda h: reply(h, next(answers), b"{}", JSON, Retry_After="2"))
    assert guarded.get_json(url) == {}
    assert sleeps == [2.0]


def test_retry_after_beyond_the_limit_gives_up_at_once(
    server: RecordedServer, guarded: GuardedClient, sleeps: list[float]
) -> None:
    url = server.route("/later", lambda h: reply(h, 429, b"{}", JSON, Retry_After="3600"))
    assert failure_of(guarded, url) is Failure.RATE_LIMITED
    assert sleeps == [] and server.hits("/later") == 1


def test_github_quota_spent_is_a_rate_limit(
    server: RecordedServer, guarded: GuardedClient, sleeps: list[float]
) -> None:
    reset = str(int(time.time()) + 3600)
    headers = {"X_RateLimit_Remaining": "0", "X_RateLimit_Reset": reset}
    url = server.route("/quota", lambda h: reply(h, 403, b"{}", JSON, **headers))
    assert failure_of(guarded, url) is Failure.RATE_LIMITED
    # The host stays untouched until its reset instead of being asked again.
    assert failure_of(guarded, url) is Failure.RATE_LIMITED
    assert server.hits("/quota") == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html><body>Sign in</body></html>", "text/html"),
        (b'{"truncated": [1, 2', JSON),
        (b"\xff\xfe\x00garbage", JSON),
        (b"[" * 100_000, JSON),
    ],
    ids=["html", "truncated", "binary", "deep-nesting"],
)
def test_garbage_instead_of_json_is_reported(
    server: RecordedServer, guarded: GuardedClient, body: bytes, content_type: str
) -> None:
    url = server.serve("/g", body, content_type)
    with pytest.raises(SourceError) as caught:
        guarded.get_json(url)
    assert caught.value.failure is Failure.GARBAGE


def test_proxy_settings_in_the_environment_are_ignored(
    server: RecordedServer, sleeps: list[float], monkeypatch: pytest.MonkeyPatch, connects: list
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://169.254.169.254:3128")
    monkeypatch.setenv("ALL_PROXY", "http://169.254.169.254:3128")
    url = server.serve("/ok", b"{}", JSON)
    with GuardedClient(FAST, sleep=sleeps.append) as client:
        assert client.get_json(url) == {}
    assert connects == [("127.0.0.1", server.port)]
