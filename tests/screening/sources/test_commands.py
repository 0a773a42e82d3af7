"""`flask screening fetch` and `flask screening import-export`, through the app's CLI."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import fresh_database
from tests.screening.sources.conftest import REALWORLD, RecordedServer, recorded


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The commands touch no database: SQLite alone is enough to build the app."""
    return fresh_database(request, tmp_path, "sqlite")


@pytest.fixture
def app_config() -> dict:
    return {"SOURCE_CLIENT_SETTINGS": {"min_interval": 0.0, "backoff": 0.01, "total_timeout": 5}}


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_fetch_rss_prints_json_lines(runner, server: RecordedServer) -> None:
    url = server.serve("/feed", recorded("rss/rsparser-489-medium.rss"), "application/rss+xml")
    result = runner.invoke(args=["screening", "fetch", "rss", url, "--limit", "3"])
    assert result.exit_code == 0, result.output
    posts = lines(result.stdout)
    assert len(posts) == 3
    assert set(posts[0]) == {"source", "account", "url", "published", "text", "is_own", "lang"}
    assert posts[0]["published"] == "2018-11-19T08:10:26Z"
    assert posts[0]["source"] == "rss" and posts[0]["is_own"] is True


def test_fetch_github_with_base_url_and_since(runner, server: RecordedServer) -> None:
    server.serve(
        "/users/sigmavirus24",
        recorded("github/github3py-user-sigmavirus24.json"),
        "application/json",
    )
    server.serve(
        "/users/sigmavirus24/events/public",
        recorded("github/github3py-user-public-events-sigmavirus24-page1.json"),
        "application/json",
    )
    server.serve("/users/sigmavirus24/repos", b"[]", "application/json")
    args = [
        "screening",
        "fetch",
        "github",
        "sigmavirus24",
        "--base-url",
        server.base,
        "--since",
        "2017-12-18",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    posts = lines(result.stdout)
    assert posts and all(p["published"] >= "2017-12-18" for p in posts)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["github", "not a login!"], "invalid_account"),
        (["mastodon", "nobody@example.social", "--base-url", "{base}"], "not_found"),
        (["rss", "{base}/missing.rss"], "not_found"),
        (["bluesky", "alice.bsky.social", "--base-url", "http://169.254.169.254"], "blocked"),
    ],
)
def test_fetch_errors_go_to_stderr_with_non_zero_exit(
    runner, server: RecordedServer, args: list[str], message: str
) -> None:
    args = [a.replace("{base}", server.base) for a in args]
    result = runner.invoke(args=["screening", "fetch", *args])
    assert result.exit_code != 0
    assert message in result.stderr and result.stdout == ""


def test_unknown_kind_is_refused(runner) -> None:
    result = runner.invoke(args=["screening", "fetch", "myspace", "someone"])
    assert result.exit_code != 0 and "myspace" in result.stderr


def test_import_export_prints_json_lines(runner) -> None:
    path = REALWORLD / "mastodon" / "masto-export-philhawksworth-outbox.json"
    result = runner.invoke(args=["screening", "import-export", str(path)])
    assert result.exit_code == 0, result.output
    posts = lines(result.stdout)
    assert len(posts) == 49 and {p["source"] for p in posts} == {"mastodon-archive"}


def test_import_export_refuses_a_hostile_zip(runner, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.sh", b"rm -rf /")
    upload = tmp_path / "export.zip"
    upload.write_bytes(buffer.getvalue())
    result = runner.invoke(args=["screening", "import-export", str(upload)])
    assert result.exit_code != 0
    assert "path traversal" in result.stderr and result.stdout == ""
