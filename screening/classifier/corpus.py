"""Read vacancies and posts in the corpus format (../shared/corpus/LABELS.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from screening.classifier.model import Post, Vacancy


class CorpusError(ValueError):
    """A malformed input file; `line` is 1-based where it applies."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")
        self.line = line


@dataclass(frozen=True)
class Record:
    """One post line: the post, the vacancy id it is judged against, and its gold labels."""

    post: Post
    vacancy: str
    gold: dict | None


def read_vacancies(path: Path) -> dict[str, Vacancy]:
    """Return vacancies by id."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {
            item["id"]: Vacancy(
                id=item["id"],
                criteria=tuple(item["criteria"]),
                language=item.get("language", "en"),
                title=item.get("title", ""),
                description=item.get("description", ""),
            )
            for item in data
        }
    except (ValueError, KeyError, TypeError) as error:
        raise CorpusError(Path(path), None, f"not a vacancies file ({error})") from error


def read_posts(path: Path, vacancies: dict[str, Vacancy]) -> list[Record]:
    """Return every post line; the first malformed line raises CorpusError with its number."""
    records = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                records.append(_record(Path(path), number, line, vacancies))
    return records


def _record(path: Path, number: int, line: str, vacancies: dict[str, Vacancy]) -> Record:
    try:
        item = json.loads(line)
        if not isinstance(item, dict) or not isinstance(item["text"], str):
            raise TypeError("a post is an object with a text")
        if item["vacancy"] not in vacancies:
            raise KeyError(f"unknown vacancy {item['vacancy']!r}")
        post = Post(
            text=item["text"],
            author=str(item.get("author") or item.get("account") or ""),
            lang=item.get("lang"),
            published=item.get("published"),
            is_own=not (item.get("repost") or item.get("quote")) and item.get("is_own", True),
            id=str(item["id"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise CorpusError(path, number, f"malformed post ({error})") from error
    return Record(post, item["vacancy"], item.get("gold"))
