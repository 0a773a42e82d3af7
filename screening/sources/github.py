"""GitHub's public REST API: the user, their repositories and their public events."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from screening.sources.accounts import github_login
from screening.sources.activitypub import parse_time
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient, require_same_origin
from screening.sources.paging import within_window
from screening.sources.posts import Post, SourceKind, Window
from screening.sources.text import normalise_space

API = "https://api.github.com"
ACCEPT = "application/vnd.github+json"
MAX_PAGES = 10


def fetch(
    client: GuardedClient, account: str, window: Window, base_url: str | None = None
) -> Iterator[Post]:
    """Yield what `account` wrote in public events, then their own repositories' descriptions."""
    login = github_login(account)
    base = (base_url or API).rstrip("/")
    user = _json(client, f"{base}/users/{login}")
    if not isinstance(user, dict) or not isinstance(user.get("login"), str):
        raise SourceError(Failure.GARBAGE, "GitHub user response has no login")
    web = _origin(user.get("html_url")) or "https://github.com"
    authors = {login.lower(), _str(user.get("name")).lower()} - {""}
    reader = _EventReader(login, web, authors)
    events = _pages(client, f"{base}/users/{login}/events/public", reader.posts)
    repos = _pages(client, f"{base}/users/{login}/repos?sort=pushed", _repo_posts(login))
    posts = itertools.chain(within_window(events, window), within_window(repos, window))
    return itertools.islice(posts, window.limit)


def _pages(
    client: GuardedClient, url: str, convert: Callable[[list[Any]], list[Post]]
) -> Iterator[list[Post]]:
    base = url
    next_url: str | None = url
    params: dict[str, str | int] | None = {"per_page": 100}
    for _ in range(MAX_PAGES):
        if next_url is None:
            return
        fetched = client.get(next_url, params=params, accept=ACCEPT)
        params = None  # the next link carries its own query
        items = fetched.json()
        if not isinstance(items, list):
            raise SourceError(Failure.GARBAGE, "GitHub list response is not a list")
        yield convert(items)
        link = fetched.link("next")
        next_url = require_same_origin(link, base) if link and items else None


def _repo_posts(login: str) -> Callable[[list[Any]], list[Post]]:
    def convert(repos: list[Any]) -> list[Post]:
        posts = []
        for repo in repos:
            if not isinstance(repo, dict) or not repo.get("description"):
                continue
            published = parse_time(repo.get("pushed_at")) or parse_time(repo.get("created_at"))
            if published is None:
                continue
            text = _clean(f"{_str(repo.get('name'))}: {_str(repo['description'])}")
            own = repo.get("fork") is not True
            posts.append(
                Post(SourceKind.GITHUB, login, _str(repo.get("html_url")), published, text, own)
            )
        return posts

    return convert


class _EventReader:
    """Turn public events into posts of the words the user wrote in them."""

    def __init__(self, login: str, web: str, authors: set[str]) -> None:
        self.login, self.web, self.authors = login, web, authors

    def posts(self, events: list[Any]) -> list[Post]:
        out: list[Post] = []
        for event in events:
            if not isinstance(event, dict) or not isinstance(event.get("payload"), dict):
                continue
            published = parse_time(event.get("created_at"))
            handler = _HANDLERS.get(str(event.get("type")))
            if published is None or handler is None:
                continue
            for url, text, own in handler(self, event, event["payload"]):
                if text:
                    out.append(Post(SourceKind.GITHUB, self.login, url, published, text, own))
        return out

    def comment(self, event: dict, payload: dict) -> list[tuple[str, str, bool]]:
        comment = _dict(payload.get("comment"))
        return [(_str(comment.get("html_url")), _clean(comment.get("body")), True)]

    def opened(self, event: dict, payload: dict) -> list[tuple[str, str, bool]]:
        if payload.get("action") != "opened":
            return []
        item = _dict(payload.get("pull_request")) or _dict(payload.get("issue"))
        text = _clean(f"{_str(item.get('title'))}\n\n{_str(item.get('body'))}")
        return [(_str(item.get("html_url")), text, True)]

    def push(self, event: dict, payload: dict) -> list[tuple[str, str, bool]]:
        repo = _str(_dict(event.get("repo")).get("name"))
        commits = payload.get("commits")
        out = []
        for commit in commits if isinstance(commits, list) else []:
            if not isinstance(commit, dict):
                continue
            author = _str(_dict(commit.get("author")).get("name")).lower()
            url = f"{self.web}/{repo}/commit/{_str(commit.get('sha'))}"
            # A push can carry other people's commits (merges, rebases): only theirs count.
            out.append((url, _clean(commit.get("message")), author in self.authors))
        return out

    def release(self, event: dict, payload: dict) -> list[tuple[str, str, bool]]:
        release = _dict(payload.get("release"))
        text = _clean(f"{_str(release.get('name'))}\n\n{_str(release.get('body'))}")
        return [(_str(release.get("html_url")), text, True)]

    def review(self, event: dict, payload: dict) -> list[tuple[str, str, bool]]:
        review = _dict(payload.get("review"))
        return [(_str(review.get("html_url")), _clean(review.get("body")), True)]


_HANDLERS: dict[str, Callable[[_EventReader, dict, dict], list[tuple[str, str, bool]]]] = {
    "IssueCommentEvent": _EventReader.comment,
    "CommitCommentEvent": _EventReader.comment,
    "PullRequestReviewCommentEvent": _EventReader.comment,
    "IssuesEvent": _EventReader.opened,
    "PullRequestEvent": _EventReader.opened,
    "PushEvent": _EventReader.push,
    "ReleaseEvent": _EventReader.release,
    "PullRequestReviewEvent": _EventReader.review,
}


def _json(client: GuardedClient, url: str) -> Any:
    return client.get(url, accept=ACCEPT).json()


def _clean(value: Any) -> str:
    # Issue and comment bodies are Markdown; they are plain text as far as the classifier cares.
    return normalise_space(value) if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _origin(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}"
