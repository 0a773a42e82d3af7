"""Read where each word of a PDF landed, and name the words that collide or leave the page.

pdftotext (poppler) gives every word's box; it drops characters that lie wholly outside the
page, so the words it found are also compared with the text pypdf reads from the content
streams, which keeps them: a word missing from the boxes was laid out off the page.
"""

import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from defusedxml import ElementTree
from pypdf import PdfReader

MM = 72 / 25.4
SIDE_MARGIN = 15 * MM  # report.css: @page margin left and right
EDGE = 5 * MM  # running heads and page numbers sit in the margin, but no nearer the edge
TOLERANCE = 0.5  # points: glyph boxes of neighbours may touch
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Word") -> bool:
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > TOLERANCE
                and min(self.y1, other.y1) - max(self.y0, other.y0) > TOLERANCE)


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[Word]


def pages(pdf: bytes) -> list[Page]:
    """Return each page's size and word boxes, in points from the top left corner."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True,
                             capture_output=True, timeout=120).stdout
    root = ElementTree.fromstring(out)
    found = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        words = [Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                 for w in page.iter(f"{XHTML}word")]
        found.append(Page(number, float(page.get("width")), float(page.get("height")), words))
    return found


def problems(pdf: bytes) -> list[str]:
    """Name every overlap of two words, word too near the edge, and word off the page."""
    found = []
    streams = [page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages]
    for page, stream_text in zip(pages(pdf), streams, strict=True):
        found += _outside(page) + _overlapping(page) + _missing(page, stream_text)
    return found


def _outside(page: Page) -> list[str]:
    left, right = SIDE_MARGIN - TOLERANCE, page.width - SIDE_MARGIN + TOLERANCE
    return [f"page {page.number}: {w.text!r} leaves the margins at "
            f"({w.x0:.0f}, {w.y0:.0f})-({w.x1:.0f}, {w.y1:.0f})"
            for w in page.words
            if w.x0 < left or w.x1 > right or w.y0 < EDGE or w.y1 > page.height - EDGE]


def _overlapping(page: Page) -> list[str]:
    words = sorted(page.words, key=lambda w: w.y0)
    found = []
    for i, word in enumerate(words):
        for other in words[i + 1:]:
            if other.y0 >= word.y1:
                break
            if word.overlaps(other):
                found.append(f"page {page.number}: {word.text!r} overlaps {other.text!r} at "
                             f"({max(word.x0, other.x0):.0f}, {max(word.y0, other.y0):.0f})")
    return found


def _missing(page: Page, stream_text: str) -> list[str]:
    boxed = Counter("".join(w.text for w in page.words).replace("\u00ad", ""))
    drawn = Counter("".join(stream_text.split()).replace("\u00ad", ""))
    lost = drawn - boxed
    if not lost:
        return []
    return [f"page {page.number}: {sum(lost.values())} characters lie off the page "
            f"({''.join(sorted(lost.elements()))[:40]!r})"]
