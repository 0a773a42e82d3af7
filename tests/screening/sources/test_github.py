"""GitHub: user, public events and repositories from recorded responses."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from screening.sources import github
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient
from screening.sources.posts import SourceKind, Window
from tests.screening.sources.conftest import RecordedServer, recorded, reply

JSON = "application/json; charset=utf-8"


@pytest.fixture
def api(server: RecordedServer) -> RecordedServer:
    server.serve("/users/sigmavirus24", recorded("github/github3py-user-sigmavirus24.json"), JSON)
    server.serve(
        "/users/sigmavirus24/events/public",
        recorded("github/github3py-user-public-events-sigmavirus24-page1.json"),
        JSON,
        Link=f'<{server.url("/user/240830/events/public?page=2")}>; rel="next"',
    )
    server.serve("/user/240830/events/public?page=2", b"[]", JSON)
    server.serve(
        "/users/sigmavirus24/repos",
        recorded("github/github3py-user-repos-dstufft-page1.json"),
        JSON,
    )
    return server


def test_events_and_repositories_become_posts(api: RecordedServer, guarded: GuardedClient) -> None:
    posts = list(github.fetch(guarded, "https://github.com/sigmavirus24", Window(), api.base))
    assert posts and all(p.source is SourceKind.GITHUB for p in posts)
    assert all(p.account == "sigmavirus24" and p.published.tzinfo is UTC for p in posts)
    comments = [p for p in posts if "#issuecomment-" in p.url]
    assert len(comments) == 13 and all(p.is_own for p in comments)
    commits = [p for p in posts if "/commit/" in p.url]
    assert commits and any(not p.is_own for p in commits)  # others' commits in a push
    repos = [p for p in posts if p.url.count("/") == 4 and "/dstufft/" in p.url]
    assert repos and any(not p.is_own for p in repos)  # forks are not own work
    assert api.hits("/user/240830/events/public") == 1  # the next page was followed


def test_window_stops_paging_events(api: RecordedServer, guarded: GuardedClient) -> None:
    window = Window(since=datetime(2017, 12, 17, tzinfo=UTC))
    posts = list(github.fetch(guarded, "sigmavirus24", window, api.base))
    assert all(p.published >= window.since for p in posts)
    assert api.hits("/user/240830/events/public") == 0


def test_item_cap_applies_over_events_and_repos(
    api: RecordedServer, guarded: GuardedClient
) -> None:
    assert len(list(github.fetch(guarded, "sigmavirus24", Window(limit=7), api.base))) == 7
    assert api.hits("/users/sigmavirus24/repos") == 0


def test_spent_quota_is_reported_as_rate_limited(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    reset = str(int(time.time()) + 3000)
    headers = {"X_RateLimit_Remaining": "0", "X_RateLimit_Reset": reset}
    body = json.dumps({"message": "API rate limit exceeded"}).encode()
    server.route("/users/octocat", lambda h: reply(h, 403, body, JSON, **headers))
    with pytest.raises(SourceError) as caught:
        list(github.fetch(guarded, "octocat", Window(), server.base))
    assert caught.value.failure is Failure.RATE_LIMITED


def test_user_without_login_is_garbage(server: RecordedServer, guarded: GuardedClient) -> None:
    server.serve("/users/octocat", b'["not", "a", "user"]', JSON)
    with pytest.raises(SourceError) as caught:
        list(github.fetch(guarded, "octocat", Window(), server.base))
    assert caught.value.failure is Failure.GARBAGE
