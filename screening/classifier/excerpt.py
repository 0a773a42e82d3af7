"""Pick the sentence(s) of a post that carry its match, at most 400 characters."""

from __future__ import annotations

import re

MAX_EXCERPT = 400
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character offsets of the sentences of `text`."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        if text[start : boundary.start()].strip():
            spans.append((start, boundary.start()))
        start = boundary.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def excerpt(text: str, offsets: list[int], limit: int = MAX_EXCERPT) -> str:
    """Return the sentences from the first to the last match, widened while under `limit`."""
    spans = sentences(text) or [(0, len(text))]
    hits = [i for i, (s, e) in enumerate(spans) if any(s <= o < e for o in offsets)] or [0]
    first, last = hits[0], hits[-1]
    while last > first and _length(text, spans, first, last) > limit:
        last -= 1
    if _length(text, spans, first, last) > limit:
        start, end = spans[first]
        return _window(text[start:end].strip(), max(0, offsets[0] - start), limit)
    # Neighbouring sentences usually carry the substance of the match ("how we did it").
    while last + 1 < len(spans) and _length(text, spans, first, last + 1) <= limit:
        last += 1
    while first > 0 and _length(text, spans, first - 1, last) <= limit:
        first -= 1
    return " ".join(text[s:e].strip() for s, e in spans[first : last + 1])


def _length(text: str, spans: list[tuple[int, int]], first: int, last: int) -> int:
    return sum(len(text[s:e].strip()) + 1 for s, e in spans[first : last + 1]) - 1


def _window(sentence: str, offset: int, limit: int) -> str:
    """Cut a long sentence around the match at word boundaries."""
    start = max(0, min(offset - limit // 3, len(sentence) - limit))
    piece = sentence[start : start + limit - 2]
    if start > 0:
        piece = "…" + piece.split(" ", 1)[-1]
    if start + limit - 2 < len(sentence):
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece[:limit]
