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
_SEP = r"(?:\s?[./-]\s?|\s)?"  # 06-1234, 0470/12.34.56, 06 - 1234 5678
PHONE = re.compile(
    r"(?=[+(\d])(?<![\w+])(?:"
    rf"\+\d{{1,3}}(?:{_SEP}\(0\))?(?:{_SEP}\d){{7,12}}"  # E.164 and international
    rf"|00\d{{1,3}}(?:{_SEP}\d){{7,12}}"  # 0031 ...
    rf"|\(?0\d{{1,3}}\)?(?:{_SEP}\d){{6,9}}"  # NL 06-12345678, (020) 123 4567; BE 02/123.45.67
    r"|\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}"  # US (555) 123-4567
    r")(?!\d)"
)
PHONE_HINT = re.compile(r"\d(?:[\s()./-]{0,3}\d){6}")
GIT_CUES = ("assigned to", "requested from", " by ", "cc ")
GIT_USER = re.compile(
    r"(?i)\b(assigned to|review requested from|reviewed by|approved by|merged by|cc)"
    r"(\s+)([a-z0-9][a-z0-9_-]{2,38})\b"
)
TITLE = re.compile(
    r"\b(?i:mr|mrs|ms|dr|prof|dhr|mevr|mevrouw|meneer|dokter)\.?\s+(?:[A-Z]\.\s?)*"
    r"(?:(?i:van|de|der|den|ter|ten)\s+)*[A-Z][\w'’-]+"
)
# A capitalised name right after a word for someone's role: 'collega Kees', 'our CTO Maarten'.
ROLE_NAME = re.compile(
    r"\b((?i:collega|colleague|manager|mentor|begeleider|praktijkopleider|teamleider"
    r"|leidinggevende|coach|buddy|fotograaf|photographer|oprichter|founder|docent|teacher"
    r"|cto|ceo|cfo|coo|teammate|teamgenoot|stagiair|intern|buurman|buurvrouw|neighbour"
    r"|vriend|vriendin|friend|broer|zus|brother|sister|oom|tante|uncle|aunt|neef|nicht"
    r"|cousin))(\s+)[A-ZÀ-Þ][\w'’-]+(?:\s+(?:(?:van|de|der|den|ter|ten)\s+)*[A-ZÀ-Þ][\w'’-]+)*"
)
INITIALS = re.compile(
    r"\b(?:[A-Z]\.\s?){1,3}(?:(?:van|de|der|den|ter|ten|te|op)\s+)*[A-Z][a-zà-ÿ'’-]+"
)
_TITLES = frozenset("Mr Mrs Ms Dr Prof Dhr Mevr".split())
_LOWER_TITLES = ("mevrouw", "meneer", "dokter", "dhr", "mevr", "dr.", "prof.", "mr.", "ms.")
# Words that make the capitalised words after them an organisation or a place.
_ORGANISATION_WORDS = frozenset(
    "ziekenhuis hospital stichting foundation bank universiteit university hogeschool school "
    "museum café cafe restaurant hotel kliniek clinic centrum centre center zorggroep praktijk "
    "apotheek gemeente kerk church theater theatre station straat street plein park".split()
)
_ARTICLES = frozenset(("De", "Het", "'t", "The"))
# Well-known companies named like a person.
_NAMED_ORGANISATIONS = ("albert heijn", "jan linders", "hugo boss", "tommy hilfiger")
ROLE_CUE_WORDS = frozenset(
    "collega colleague manager mentor begeleider praktijkopleider teamleider leidinggevende "
    "coach buddy fotograaf photographer oprichter founder docent teacher cto ceo cfo coo "
    "teammate teamgenoot stagiair intern buurman buurvrouw neighbour vriend vriendin friend "
    "broer zus brother sister oom tante uncle aunt neef nicht cousin".split()
)
WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
# Only to tell which rules can apply: without '\b' it also finds 'Bay' in 'eBay' (a rule
# then runs for nothing), at half the cost of a scan that checks every word boundary.
CAPITALISED = re.compile(r"[A-ZÀ-Þ][\w'’-]*")
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
    # Substring counts run in C; a regex scan of a 300-character post costs microseconds.
    if sum(map(text.count, "0123456789")) >= 7 and PHONE_HINT.search(text):
        text = PHONE.sub("[phone]", text)
    lower = text.lower()
    if any(cue in lower for cue in GIT_CUES):
        text = GIT_USER.sub(
            lambda m: m.group(0) if m.group(3).lower() in (own, "the", "me") else
            f"{m.group(1)}{m.group(2)}[handle]",
            text,
        )
    # One pass over the capitalised words tells which name rules can apply at all.
    capitals = set(CAPITALISED.findall(text))
    if not _TITLES.isdisjoint(capitals) or any(t in lower for t in _LOWER_TITLES):
        text = TITLE.sub("[person]", text)
    if any(len(word) == 1 and word != "I" for word in capitals):
        text = INITIALS.sub("[person]", text)
    if not ROLE_CUE_WORDS.isdisjoint(lower.split()):
        text = ROLE_NAME.sub(lambda m: f"{m.group(1)}{m.group(2)}[person]", text)
    words = {word.lower() for word in capitals}
    if first_names().keys().isdisjoint(words) and surnames().isdisjoint(words):
        return text  # no capitalised word is in any name list: nothing to look at closely
    return _redact_names(text, {p.lower() for p in protected})


def _redact_names(text: str, protected: set[str]) -> str:
    """Replace names inside runs of capitalised words ('Thanks Femke de Wit')."""
    return CAPITALISED_RUN.sub(lambda run: _redact_run(text, run, protected), text)


def _redact_run(text: str, run: re.Match, protected: set[str]) -> str:
    chunk = run.group(0)
    lowers = chunk.lower().split()
    # Most runs are a sentence's first word or a product name: no name list knows them.
    if first_names().keys().isdisjoint(lowers) and surnames().isdisjoint(lowers[1:]):
        return chunk
    if chunk.lower().startswith(_NAMED_ORGANISATIONS):
        return chunk
    words = list(WORD.finditer(chunk))
    for i, word in enumerate(words):
        if word.group(0).lower() in _ORGANISATION_WORDS:
            return chunk  # 'Ziekenhuis De Linde', 'Hotel Max': organisations stay
        if i and words[i - 1].group(0) in _ARTICLES:
            continue  # 'De Linde', 'Het Anker': a building or a company, not a person
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
