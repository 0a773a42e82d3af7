"""Replace third parties in an excerpt: e-mail addresses, @handles, phone numbers, person names.

No NER model is available offline, so names come from Faker's first-name and surname lists
(see names.py) plus patterns: a first name followed by capitalised words or Dutch
'tussenvoegsels' ('Femke de Wit'), a capitalised word before a known surname, initials
('J.P. van Dam'), titles. Organisations and places stay; the candidate's own handle stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from screening.classifier.language import _EN, _NL
from screening.classifier.names import first_names, surnames

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_](?:[\w.-]*\w)?)(?:@[\w-]+(?:\.[\w-]+)+)?")
PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+\d{1,3}(?:[\s.-]?\(0\))?(?:[\s.-]?\d){7,12}"  # E.164 and international
    r"|00\d{1,3}(?:[\s.-]?\d){7,12}"  # 0031 ...
    r"|0\d(?:[\s.-]?\d){7,9}"  # NL 06-12345678, 020 123 4567; BE 0470 12 34 56; UK 07700 900461
    r"|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}"  # US (555) 123-4567
    r")(?!\d)"
)
GIT_USER = re.compile(
    r"(?i)\b(assigned to|review requested from|reviewed by|approved by|merged by|cc)"
    r"(\s+)([a-z0-9][a-z0-9_-]{2,38})\b"
)
TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|dhr|mevr|mevrouw|meneer|dokter)\.?\s+(?:[A-Z]\.\s?)*"
    r"(?:(?:van|de|der|den|ter|ten)\s+)*[A-Z][\w'’-]+"
)
INITIALS = re.compile(
    r"\b(?:[A-Z]\.\s?){1,3}(?:(?:van|de|der|den|ter|ten|te|op)\s+)*[A-Z][a-zà-ÿ'’-]+"
)
WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
PARTICLES = frozenset(
    "van de der den ter ten te 't het op in von le la da di du dos el al bin".split()
)
_COMMON = _EN | _NL | {"ben", "will", "mark", "may"}


def redact(text: str, author: str = "", protected: Iterable[str] = ()) -> str:
    """Return `text` with third parties replaced by [email], [handle], [phone], [person]."""
    own = author.lower().lstrip("@")
    # Handles first: '@name@server.social' would otherwise look like an e-mail address.
    text = HANDLE.sub(lambda m: m.group(0) if m.group(1).lower() == own else "[handle]", text)
    text = EMAIL.sub("[email]", text)
    text = PHONE.sub("[phone]", text)
    text = GIT_USER.sub(
        lambda m: m.group(0) if m.group(3).lower() in (own, "the", "me") else
        f"{m.group(1)}{m.group(2)}[handle]",
        text,
    )
    text = TITLE.sub("[person]", text)
    text = INITIALS.sub("[person]", text)
    return _redact_names(text, {p.lower() for p in protected})


def _redact_names(text: str, protected: set[str]) -> str:
    words = list(WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        end = _name_end(text, words, i, protected)
        if end is None:
            i += 1
            continue
        spans.append((words[i].start(), words[end].end()))
        i = end + 1
    for start, end in reversed(spans):
        text = text[:start] + "[person]" + text[end:]
    return text


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:\n\"'(“"


def _name_end(text: str, words: list[re.Match], i: int, protected: set[str]) -> int | None:
    """Return the index of the last word of a person name starting at word i, if any."""
    word = words[i].group(0)
    lower = word.lower()
    if not _is_capitalised(word) or lower in protected:
        return None
    is_first = lower in first_names()
    next_surname = _next_is_surname(words, i)
    if not is_first and not next_surname:
        return None
    if is_first and _sentence_start(text, words[i].start()) and lower in _COMMON:
        return None
    end = i
    j = i + 1
    while j < len(words) and _adjacent(text, words[j - 1], words[j]):
        nxt = words[j].group(0)
        if nxt.lower() in PARTICLES and j + 1 < len(words):
            j += 1
            continue
        if _is_capitalised(nxt) and nxt.lower() not in protected:
            end = j
            j += 1
            continue
        break
    if end == i and not is_first:
        return None
    return end


def _next_is_surname(words: list[re.Match], i: int) -> bool:
    j = i + 1
    while j < len(words) and words[j].group(0).lower() in PARTICLES:
        j += 1
    return j < len(words) and _is_capitalised(words[j].group(0)) and (
        words[j].group(0).lower() in surnames()
    )


def _adjacent(text: str, left: re.Match, right: re.Match) -> bool:
    """Words of one name are separated by spaces only."""
    gap = text[left.end() : right.start()]
    return gap.strip() == "" and "\n" not in gap
