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

# Lookbehinds make each regex start only at the beginning of a word: half the time.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_](?:[\w.-]*\w)?)(?:@[\w-]+(?:\.[\w-]+)+)?")
PHONE = re.compile(
    r"(?=[+(\d])(?<![\w+])(?:"
    r"\+\d{1,3}(?:[\s.-]?\(0\))?(?:[\s.-]?\d){7,12}"  # E.164 and international
    r"|00\d{1,3}(?:[\s.-]?\d){7,12}"  # 0031 ...
    r"|0\d(?:[\s.-]?\d){7,9}"  # NL 06-12345678, 020 123 4567; BE 0470 12 34 56; UK 07700 900461
    r"|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}"  # US (555) 123-4567
    r")(?!\d)"
)
PHONE_HINT = re.compile(r"\d(?:[\s().-]?\d){6}")
GIT_CUES = ("assigned to", "requested from", "reviewed by", "approved by", "merged by", "cc ")
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
INITIAL = re.compile(r"\b[A-Z]\.")
_TITLE_WORDS = frozenset("mr mrs ms dr prof dhr mevr mevrouw meneer dokter".split())
WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
CAPITALISED_WORD = re.compile(r"\b[A-ZÀ-Þ][\w'’-]*")
# Capitalised words in a row, with Dutch and other name particles between them.
CAPITALISED_RUN = re.compile(
    r"\b[A-ZÀ-Þ][\w'’-]*(?:[ \t]+(?:(?:van|de|der|den|ter|ten|te|'t|von|le|la|da|di|du"
    r"|dos|el|al|bin)[ \t]+)*[A-ZÀ-Þ][\w'’-]*)*"
)
PARTICLES = frozenset(
    "van de der den ter ten te 't het op in von le la da di du dos el al bin".split()
)
_COMMON = _EN | _NL | {"ben", "will", "mark", "may"}


def redact(text: str, author: str = "", protected: Iterable[str] = ()) -> str:
    """Return `text` with third parties replaced by [email], [handle], [phone], [person]."""
    own = author.lower().lstrip("@")
    # Cheap substring tests first: these regexes try every position of the text.
    if "@" in text:
        # Handles first: '@name@server.social' would otherwise look like an e-mail address.
        text = HANDLE.sub(lambda m: m.group(0) if m.group(1).lower() == own else "[handle]", text)
        text = EMAIL.sub("[email]", text)
    if PHONE_HINT.search(text):
        text = PHONE.sub("[phone]", text)
    lower = text.lower()
    if any(cue in lower for cue in GIT_CUES):
        text = GIT_USER.sub(
            lambda m: m.group(0) if m.group(3).lower() in (own, "the", "me") else
            f"{m.group(1)}{m.group(2)}[handle]",
            text,
        )
    if _TITLE_WORDS.intersection(lower.replace(".", " ").split()):
        text = TITLE.sub("[person]", text)
    if INITIAL.search(text):
        text = INITIALS.sub("[person]", text)
    return _redact_names(text, {p.lower() for p in protected})


def _redact_names(text: str, protected: set[str]) -> str:
    """Replace names inside runs of capitalised words ('Thanks Femke de Wit')."""
    words = {word.lower() for word in CAPITALISED_WORD.findall(text)}
    if first_names().keys().isdisjoint(words) and surnames().isdisjoint(words):
        return text  # no capitalised word is in any name list: nothing to look at closely
    return CAPITALISED_RUN.sub(lambda run: _redact_run(text, run, protected), text)


def _redact_run(text: str, run: re.Match, protected: set[str]) -> str:
    chunk = run.group(0)
    lowers = chunk.lower().split()
    # Most runs are a sentence's first word or a product name: no name list knows them.
    if first_names().keys().isdisjoint(lowers) and surnames().isdisjoint(lowers[1:]):
        return chunk
    words = list(WORD.finditer(chunk))
    for i, word in enumerate(words):
        if _starts_name(text, run.start() + word.start(), words, i, protected):
            name_start = word.start()
            kept = run.group(0)[:name_start]
            return kept + "[person]"
    return run.group(0)


def _starts_name(text: str, pos: int, words: list[re.Match], i: int, protected: set) -> bool:
    """A first name (not a common word opening a sentence), or a word before a surname."""
    word = words[i].group(0)
    lower = word.lower()
    if lower in PARTICLES or lower in protected or word.isupper():
        return False
    if lower in first_names():
        return not (lower in _COMMON and _sentence_start(text, pos))
    following = [w.group(0) for w in words[i + 1 :] if w.group(0).lower() not in PARTICLES]
    return bool(following) and following[0].lower() in surnames() and not (
        _sentence_start(text, pos) and lower in _COMMON
    )


def _sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in ".!?:\n\"'(“"
