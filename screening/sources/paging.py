"""Apply the lookback window and the item cap while pages are still being fetched."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from screening.sources.posts import Post, Window


def within_window(pages: Iterable[Iterable[Post]], window: Window) -> Iterator[Post]:
    """Yield posts inside `window` from newest-first pages, fetching no page past it.

    A page whose last (oldest) post is older than the window is the last one asked for; one
    back-dated post in the middle of a page does not stop paging. `pages` should be a lazy
    generator so that stopping here really saves the requests.
    """
    count = 0
    for page in pages:
        reached_past = False
        for post in page:
            reached_past = window.is_too_old(post)
            if reached_past:
                continue
            yield post
            count += 1
            if count >= window.limit:
                return
        if reached_past:
            return
