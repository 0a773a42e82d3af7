"""LinkedIn's data export: Profile, Positions, Skills and Shares CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

from screening.sources.archives import MAX_CSV_ROWS
from screening.sources.errors import Failure, Problem, SourceError
from screening.sources.posts import Post, SourceKind
from screening.sources.text import normalise_space

FILES = ("Profile.csv", "Positions.csv", "Skills.csv", "Shares.csv")
_KIND = SourceKind.LINKEDIN_EXPORT


def read_csv(data: bytes, name: str) -> tuple[list[str], list[dict[str, str]]]:
    """Decode a CSV of the export into its header and rows (UTF-8, else Latin-1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = []
        for row in reader:
            if len(rows) == MAX_CSV_ROWS:
                raise SourceError(
                    Failure.INVALID_EXPORT, f"{name} has more than {MAX_CSV_ROWS} rows",
                    Problem.TOO_MANY_ROWS, file=name, count=MAX_CSV_ROWS
                )
            rows.append({k.strip(): (v or "") for k, v in row.items() if k})
        header = [h.strip() for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise SourceError(Failure.INVALID_EXPORT, f"{name} is not a readable CSV file",
                          Problem.BAD_CSV, file=name) from exc
    return header, rows


def file_kind(header: list[str]) -> str | None:
    """Name which export file a CSV is by its header row, whatever it was renamed to."""
    columns = set(header)
    if columns == {"Name"}:
        return "Skills.csv"
    return next((name for name, needed in _HEADERS.items() if needed <= columns), None)


def to_posts(name: str, rows: list[dict[str, str]], account: str, exported: datetime) -> list[Post]:
    """Turn the rows of one export file into posts."""
    return _CONVERTERS[name](rows, account, exported)


def _profile(rows: list[dict[str, str]], account: str, exported: datetime) -> list[Post]:
    # Undated: it is the profile as it stood on the day of the export.
    texts = (normalise_space(f"{r.get('Headline', '')}\n\n{r.get('Summary', '')}") for r in rows)
    return [Post(_KIND, account, "", exported, text) for text in texts if text]


def _positions(rows: list[dict[str, str]], account: str, exported: datetime) -> list[Post]:
    posts = []
    for row in rows:
        heading = " at ".join(p for p in (row.get("Title"), row.get("Company Name")) if p)
        text = normalise_space(f"{heading}\n\n{row.get('Description', '')}")
        # A position counts as of when it ended; a current one is current at the export.
        ended = _month(row.get("Finished On", "")) or exported
        if text:
            posts.append(Post(_KIND, account, "", min(ended, exported), text))
    return posts


def _skills(rows: list[dict[str, str]], account: str, exported: datetime) -> list[Post]:
    names = [name for name in (normalise_space(r.get("Name", "")) for r in rows) if name]
    return [Post(_KIND, account, "", exported, "Skills: " + ", ".join(names))] if names else []


def _shares(rows: list[dict[str, str]], account: str, exported: datetime) -> list[Post]:
    posts = []
    for row in rows:
        try:
            published = datetime.strptime(row.get("Date", ""), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            continue
        text = normalise_space(repair_commentary(row.get("ShareCommentary", "")))
        url = row.get("ShareLink", "")
        if text or url:
            posts.append(Post(_KIND, account, url, published.replace(tzinfo=UTC), text))
    return posts


def repair_commentary(text: str) -> str:
    """Undo LinkedIn's quoting of multi-line posts, which wraps each inner line in quotes.

    The export writes `line one""\\n""line two` inside a quoted field, so a CSV reader leaves
    `line one"\\n"line two`: a stray quote on either side of every line break.
    """
    if '"\n"' not in text:
        return text
    lines = text.split("\n")
    repaired = []
    for i, line in enumerate(lines):
        if i > 0 and line.startswith('"'):
            line = line[1:]
        if i < len(lines) - 1 and line.endswith('"'):
            line = line[:-1]
        repaired.append(line)
    return "\n".join(repaired)


def _month(value: str) -> datetime | None:
    for fmt in ("%b %Y", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


_HEADERS = {
    "Profile.csv": {"First Name", "Last Name", "Headline"},
    "Positions.csv": {"Company Name", "Title", "Started On"},
    "Shares.csv": {"Date", "ShareLink", "ShareCommentary"},
}
_CONVERTERS: dict[str, Callable[[list[dict[str, str]], str, datetime], list[Post]]] = {
    "Profile.csv": _profile,
    "Positions.csv": _positions,
    "Skills.csv": _skills,
    "Shares.csv": _shares,
}
