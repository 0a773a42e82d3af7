"""Pick the sentences of a post that carry its match, at most 400 characters."""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_EXCERPT = 400
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character offsets of the sentences of `text`."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.start() > start and not text[start : boundary.start()].isspace():
            spans.append((start, boundary.start()))
        start = boundary.end()
    if start < len(text) and not text[start:].isspace():
        spans.append((start, len(text)))
    return spans


def excerpt(
    text: str, offsets: list[int], limit: int = MAX_EXCERPT,
    keep: Callable[[str], bool] = lambda sentence: True,
) -> tuple[str, list[tuple[int, int]]]:
    """Return the sentences that carry a match and that `keep` allows, and their spans.

    Only those sentences, at most `limit` characters: the neighbours of a match may be about
    anything. Sentences that are not next to each other are joined with an ellipsis. The
    text is "" when no sentence is kept.
    """
    spans = sentences(text) or [(0, len(text))]
    hits = sorted({i for i, (s, e) in enumerate(spans) for o in offsets if s <= o < e})
    pieces: list[str] = []
    kept: list[tuple[int, int]] = []
    size, previous = 0, None
    for i in hits:
        start, end = spans[i]
        piece = text[start:end].strip()
        if not piece or not keep(piece):
            continue
        joint = "" if not pieces else (" " if previous == i - 1 else " … ")
        if size + len(joint) + len(piece) > limit:
            if not pieces:
                first = min(o for o in offsets if start <= o < end)
                return _window(piece, max(0, first - start), limit), [(start, end)]
            break
        pieces.append(joint + piece)
        kept.append((start, end))
        size += len(joint) + len(piece)
        previous = i
    return "".join(pieces), kept


def _window(sentence: str, offset: int, limit: int) -> str:
    """Cut a long sentence around the match at word boundaries."""
    start = max(0, min(offset - limit // 3, len(sentence) - limit))
    piece = sentence[start : start + limit - 2]
    if start > 0:
        piece = "…" + piece.split(" ", 1)[-1]
    if start + limit - 2 < len(sentence):
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece[:limit]
