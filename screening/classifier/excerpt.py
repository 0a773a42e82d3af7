"""Pick the sentence(s) of a post that carry its match, at most 400 characters."""

from __future__ import annotations

import re

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


def excerpt(text: str, offsets: list[int], limit: int = MAX_EXCERPT) -> str:
    """Return the sentences from the first to the last match, widened while under `limit`."""
    if len(text) <= limit and "\n" not in text:
        return text.strip()  # the whole post is one short paragraph
    spans = sentences(text) or [(0, len(text))]
    pieces = [text[s:e].strip() for s, e in spans]
    hits = [i for i, (s, e) in enumerate(spans) if any(s <= o < e for o in offsets)] or [0]
    first, last = hits[0], hits[-1]
    size = sum(len(p) + 1 for p in pieces[first : last + 1]) - 1
    while last > first and size > limit:
        size -= len(pieces[last]) + 1
        last -= 1
    if size > limit:
        return _window(pieces[first], max(0, offsets[0] - spans[first][0]), limit)
    # Neighbouring sentences usually carry the substance of the match ("how we did it").
    while last + 1 < len(pieces) and size + 1 + len(pieces[last + 1]) <= limit:
        last += 1
        size += 1 + len(pieces[last])
    while first > 0 and size + 1 + len(pieces[first - 1]) <= limit:
        first -= 1
        size += 1 + len(pieces[first])
    return " ".join(pieces[first : last + 1])


def _window(sentence: str, offset: int, limit: int) -> str:
    """Cut a long sentence around the match at word boundaries."""
    start = max(0, min(offset - limit // 3, len(sentence) - limit))
    piece = sentence[start : start + limit - 2]
    if start > 0:
        piece = "…" + piece.split(" ", 1)[-1]
    if start + limit - 2 < len(sentence):
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece[:limit]
