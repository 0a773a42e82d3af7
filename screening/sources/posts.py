"""The normalised post every connector yields, and the window that bounds a fetch."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from screening.sources.text import MAX_POST_CHARS, clip, without_controls

# Longer fields are not a real profile or link: they are dropped or cut, never carried along.
MAX_URL_CHARS = 2048
MAX_ACCOUNT_CHARS = 200

class SourceKind(enum.StrEnum):
    """Where a post came from: a public interface or the candidate's own export."""

    RSS = "rss"
    MASTODON = "mastodon"
    ACTIVITYPUB = "activitypub"
    GITHUB = "github"
    BLUESKY = "bluesky"
    X_ARCHIVE = "x-archive"
    LINKEDIN_EXPORT = "linkedin-export"
    MASTODON_ARCHIVE = "mastodon-archive"


@dataclass(frozen=True, slots=True)
class Post:
    """One piece of public text, reduced to plain text, with where and when it appeared.

    `is_own` is False for a repost, boost or retweet of someone else's words: those are
    not the candidate's and are left out downstream. Text longer than MAX_POST_CHARS is cut
    at a word boundary here, and control characters dropped, so no reader can hand the
    classifier more.
    """

    source: SourceKind
    account: str
    url: str
    published: datetime
    text: str
    is_own: bool = True
    lang: str | None = None

    def __post_init__(self) -> None:
        if self.published.tzinfo is None:
            raise ValueError("Post.published must be timezone-aware")
        if self.published.utcoffset():
            object.__setattr__(self, "published", self.published.astimezone(UTC))
        if len(self.text) > MAX_POST_CHARS:
            object.__setattr__(self, "text", clip(self.text, MAX_POST_CHARS))
        # Whatever path a reader took (LinkedIn's skills are joined as they are), no NUL or
        # other control character reaches the classifier or PostgreSQL, which refuses NUL.
        object.__setattr__(self, "text", without_controls(self.text))
        if len(self.url) > MAX_URL_CHARS:
            object.__setattr__(self, "url", "")
        if self.lang is not None and len(self.lang) > 8:
            object.__setattr__(self, "lang", None)
        if len(self.account) > MAX_ACCOUNT_CHARS:
            object.__setattr__(self, "account", self.account[:MAX_ACCOUNT_CHARS])

    def to_json_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict, `published` as ISO 8601 UTC."""
        data = asdict(self)
        data["source"] = str(self.source)
        data["published"] = self.published.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return data


def in_utc(moment: datetime) -> datetime | None:
    """Return an aware `moment` in UTC; None when naive or when UTC falls outside years 1-9999."""
    if moment.tzinfo is None:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC date
        return None


@dataclass(frozen=True, slots=True)
class Window:
    """How far back and how many posts a fetch may read; paging stops at either bound."""

    since: datetime | None = None
    limit: int = 1000

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("limit must be at least 1")
        if self.since is not None and self.since.tzinfo is None:
            object.__setattr__(self, "since", self.since.replace(tzinfo=UTC))

    def is_too_old(self, post: Post) -> bool:
        """Tell whether `post` lies before the lookback window."""
        return self.since is not None and post.published < self.since
