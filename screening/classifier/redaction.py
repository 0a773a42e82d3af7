"""Replace third parties in an excerpt: e-mail addresses, @handles, phone numbers, person names.

Deny by default. No NER model is available offline, so instead of finding names, redaction
knows what is safe: a capitalised word inside a sentence becomes [person] unless it is one of
the vacancy's criteria (`protected`), an acronym (SQL, NIS2), a word with inner capitals or
digits (PostgreSQL, GA4), a word of the relevance glossary, or in the gazetteer
(lexicons/redaction/gazetteer.yaml: products, organisations, places, calendar and common
words). A word opening a sentence is a name only when it is one (names.py) or looks like one
(Pieter-Jan, 'Van der Linde', a name right after it). Particles join a name into one
placeholder ('Femke de Wit'); initials, titles and role words keep their own patterns
('J.W. de Groot', 'dr. De Vries', 'collega Wout').
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from screening.classifier.lexicon import load_glossary, load_mapping
from screening.classifier.names import (
    ambiguous_names,
    dictionary_words,
    given_names,
    name_words,
)

# Lookbehinds make each regex start only at the beginning of a word: half the time.
EMAIL = re.compile(r"(?<![\w.+@-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
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
# Upper-case letters of Latin-1 and Latin Extended-A/B: 'Šarūnas', 'Łukasz', 'Ömer'.
_UP = "A-ZÀ-ÖØ-Þ" + "".join(c for c in map(chr, range(0x100, 0x250)) if c.isupper())
_PARTICLE = (
    r"(?:van|von|vom|de|der|den|dem|des|het|ter|ten|te|'t|’t|le|la|du|di|da|dos|das|del"
    r"|della|el|al|bin|ibn|ben|bint)"
)
_NAME = rf"[{_UP}][\w'’-]+"
TITLE = re.compile(
    r"\b(?:(?i:mr|mrs|dr|prof|dhr|mevr|mevrouw|meneer|dokter|drs|ir|mw)\.?|Ms\.?|Mx\.?)"
    rf"\s+(?:[A-Z]\.\s?)*(?:(?i:{_PARTICLE})\s+)*{_NAME}"
)
# A capitalised name right after a word for someone's role: 'collega Kees', 'our CTO Maarten'.
ROLE_NAME = re.compile(
    r"\b((?i:collega|colleague|manager|mentor|begeleider|praktijkopleider|teamleider"
    r"|leidinggevende|coach|buddy|fotograaf|photographer|oprichter|founder|docent|teacher"
    r"|cto|ceo|cfo|coo|teammate|teamgenoot|stagiair|intern|buurman|buurvrouw|neighbour"
    r"|vriend|vriendin|friend|broer|zus|brother|sister|oom|tante|uncle|aunt|neef|nicht"
    r"|cousin|husband|wife|partner|fiancée?|girlfriend|boyfriend|son|daughter|vrouw|man"
    rf"|zoon|dochter|verloofde|lief))(\s+){_NAME}(?:\s+(?:(?:van|de|der|den|ter|ten)\s+)*{_NAME})*"
)
# 'J.W. de Groot', 'M. De Clercq', 'A.-M. Peeters', 'K. Mensah'.
INITIALS = re.compile(
    rf"\b((?:[A-Z]\.[ \t]?-?[ \t]?){{1,4}})((?:(?i:{_PARTICLE})[ \t]+)*)({_NAME})"
)
# Initials without a name after them: 'legt J.P. de camera neer'.
LONE_INITIALS = re.compile(r"\b[A-Z]\.(?:-?[A-Z]\.){1,3}(?!\w)")
# The branch a pull request came from names its author: 'from thanhvu/fix-parsing'.
GIT_FORK = re.compile(r"(?i)\b(pull request #\d+ from )([a-z0-9][a-z0-9_.-]{0,38})(?=/)")
_ABBREVIATIONS = frozenset(
    "PS NB EG IE US UK EU BV NV VS BSC MSC LLM PHD VOF".split()
)
ROLE_CUE_WORDS = frozenset(
    "collega colleague manager mentor begeleider praktijkopleider teamleider leidinggevende "
    "coach buddy fotograaf photographer oprichter founder docent teacher cto ceo cfo coo "
    "teammate teamgenoot stagiair intern buurman buurvrouw neighbour vriend vriendin friend "
    "broer zus brother sister oom tante uncle aunt neef nicht cousin husband wife partner "
    "fiancé fiancée girlfriend boyfriend son daughter vrouw man zoon dochter verloofde "
    "lief".split()
)
_TITLES = frozenset("Mr Mrs Ms Mx Dr Prof Dhr Mevr Drs Ir Mw".split())
_LOWER_TITLES = ("mevrouw", "meneer", "dokter", "dhr", "mevr", "dr.", "prof.", "mr.", "ms.")
# Only to tell whether names can be there: without '\b' it also finds 'Bay' in 'eBay' (the
# closer look then runs for nothing), at half the cost of a scan that checks word boundaries.
CAPITALISED = re.compile(rf"[{_UP}][\w'’-]*")
# Capitalised words in a row with name particles between them, after particles that open a
# surname ('met van der Linde'); not inside words, handles, hashtags, paths or domains.
_OPENING = r"(?:(?:van|von|ter|ten|bin|ibn)[ \t]+(?:(?:der|den|de|dem|het|'t|’t)[ \t]+)?)?"
CAPITALISED_RUN = re.compile(
    rf"(?<![\w@#/.-]){_OPENING}[{_UP}][\w'’-]*"
    rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+)*[{_UP}][\w'’-]*)*"
)
_TOKEN = re.compile(r"[\w'’-]+")
_NAME_PARTS = re.compile(r"[._+-]")
# A word in lower case (not inside a handle, hashtag, path or placeholder; 'gerry' of
# "gerry's"), for lower-case names.
_LOWER_WORD = re.compile(r"(?<![\w@#/.\[-])[a-zß-öø-ÿ]+(?:-[a-zß-öø-ÿ]+)?(?![\w@-])")
CAPITAL_PARTICLES = frozenset(
    "van von de der den ter ten te 't le la du di da dos del el al bin ibn".split()
)
# Surname prefixes that put a capital inside a name: 'McCarthy', "O'Brien", 'DeShawn'.
_NAME_INNER_CAPITAL = re.compile(rf"(?:Mc|Mac|O'|D'|Fitz|De|Di|La|Le|Van)[{_UP}]")
# After these a capitalised word names a place or a business: 'Het Anker', 'The Crown'.
_ARTICLES = frozenset(("het", "'t", "the"))
_PERSON_RUN = re.compile(rf"\[person\](?:[ \t]+(?:{_PARTICLE}[ \t]+)*\[person\])+")
_SENTENCE_END = frozenset(".!?:;\n…)")
_SKIP_BACK = frozenset(" \t\"'“‘«([*•·>-–—")
_OPENING_QUOTES = frozenset('"“«')

SAFE, WEAK, NAME, PARTICLE = 0, 1, 2, 3


def redact(text: str, author: str = "", protected: Iterable[str] = (),
           names: Iterable[str] = ()) -> str:
    """Return `text` with third parties replaced by [email], [handle], [phone], [person].

    `names`: first names known to be people's in the post the text comes from (see
    `contact_names`), redacted wherever they stand in the text, in any case.
    """
    own = _handle_key(author)
    mentioned = {name for name in names if name in text.lower()}
    # Cheap substring tests first: these regexes try every position of the text.
    if "@" in text:
        # Handles first: '@name@server.social' would otherwise look like an e-mail address.
        text = HANDLE.sub(
            lambda m: m.group(0) if own and _handle_key(m.group(0)) == own else "[handle]", text
        )
        text = EMAIL.sub("[email]", text)
    # Substring counts run in C; a regex scan of a 300-character post costs microseconds.
    if sum(map(text.count, "0123456789")) >= 7 and PHONE_HINT.search(text):
        text = PHONE.sub("[phone]", text)
    lower = text.lower()
    if "pull request #" in lower:
        text = GIT_FORK.sub(
            lambda m: m.group(0) if m.group(2).lower() == own else f"{m.group(1)}[handle]", text
        )
    if any(cue in lower for cue in GIT_CUES):
        text = GIT_USER.sub(
            lambda m: m.group(0) if m.group(3).lower() in (own, "the", "me") else
            f"{m.group(1)}{m.group(2)}[handle]",
            text,
        )
    text = _lower_case_names(text)
    if mentioned:
        text = _redact_again(text, mentioned)
    capitals = set(CAPITALISED.findall(text))
    if not capitals:
        return text
    keep = _protected_keys(protected)
    if not _TITLES.isdisjoint(capitals) or any(t in lower for t in _LOWER_TITLES):
        text = TITLE.sub("[person]", text)
    if any(len(word) == 1 and word != "I" for word in capitals):
        text = INITIALS.sub(lambda m: _initials(m, keep), text)
        text = LONE_INITIALS.sub(_lone_initials, text)
    if not ROLE_CUE_WORDS.isdisjoint(lower.replace("-", " ").split()):  # 'ex-collega Brent'
        text = ROLE_NAME.sub(lambda m: f"{m.group(1)}{m.group(2)}[person]", text)
    unsafe = {word for word in capitals if _safety(word) != SAFE and _key(word) not in keep}
    if not unsafe:
        return text  # every capitalised word is safe wherever it stands: nothing to look at
    covered = _phrase_spans(text, capitals)
    learned: set[str] = set()
    text = CAPITALISED_RUN.sub(
        # A run of safe words stays whatever its place: most runs are a sentence's first word.
        lambda run: run.group(0) if unsafe.isdisjoint(run.group(0).split())
        else _redact_run(run, keep, covered, learned),
        text,
    )
    if learned - keep:
        text = _redact_again(text, learned - keep)
    if text.count("[person]") > 1:
        text = _PERSON_RUN.sub("[person]", text)
    return text


def contact_names(text: str, author: str = "") -> frozenset[str]:
    """Return the first names in a post's e-mail addresses and handles ('noel.cashman@...',
    '@sanne_dev'), not the author's own: the same word elsewhere in the post, even in lower
    case and even where it is also a word ('noel in the distributor'), is that person."""
    if "@" not in text:
        return frozenset()
    own = set(_NAME_PARTS.split(_handle_key(author))) if author else set()
    parts: set[str] = set()
    for match in EMAIL.finditer(text):
        parts.update(_NAME_PARTS.split(match.group(0).partition("@")[0].lower()))
    for match in HANDLE.finditer(text):
        parts.update(_NAME_PARTS.split(match.group(1).lower()))
    return frozenset(part for part in parts - own if len(part) > 2 and part in given_names())


def _handle_key(handle: str) -> str:
    """'@Sanne@mastodon.nl', 'sanne.bsky.social' and 'sanne' are one account name."""
    name = handle.lower().lstrip("@").split("@")[0]
    return name.removesuffix(".bsky.social")


def _protected_keys(protected: Iterable[str]) -> frozenset[str]:
    return frozenset(
        _key(word) for phrase in protected for word in _TOKEN.findall(str(phrase))
    )


def _initials(match: re.Match, keep: frozenset[str]) -> str:
    """Redact initials and the name after them, not 'P.S. Thanks' or 'Plan A. Then'."""
    letters = match.group(1).replace(".", "").replace("-", "").replace(" ", "").upper()
    name = match.group(3)
    if letters in _ABBREVIATIONS or (
        not match.group(2) and (_key(name) in keep or _safety(name) == SAFE)
    ):
        return match.group(0)
    return "[person]" + _possessive(name)


def _lone_initials(match: re.Match) -> str:
    letters = match.group(0).replace(".", "").replace("-", "")
    return match.group(0) if letters in _ABBREVIATIONS else "[person]"


def _lower_case_names(text: str) -> str:
    """Redact names written in lower case ('big thanks to sjoerd de vries', 'showin kacper
    the filler logic'): a first name that is no word of Dutch or English (spaCy's lookup
    tables), of the gazetteer or of the glossaries, or a double first name ('bart-jan'), with
    a surname joined to it by particles. A first name that is also a word ('jan', 'roos',
    'noel') is left, unless the post's contact details name it (`contact_names`)."""
    names = _lower_names()
    found = {word for word in _LOWER_WORD.findall(text)
             if word in names or ("-" in word and _lower_double_name(word))}
    if not found:
        return text
    alternatives = "|".join(map(re.escape, sorted(found, key=len, reverse=True)))
    pattern = re.compile(rf"(?<![\w@#/.\[-])(?:{alternatives})"
                         rf"(?:[ \t]+(?:{_PARTICLE}[ \t]+)+[\w'’-]+)?(?![\w-])")
    return pattern.sub("[person]", text)


def _lower_double_name(word: str) -> bool:
    parts = word.split("-")
    return (len(parts) == 2 and parts[0] != parts[1]  # 'pili-pili'
            and all(part in given_names() for part in parts))


def _lower_names() -> frozenset[str]:
    """First names that are no word of either language: safe to read as names in lower case."""
    return _name_forms()[0]


@cache
def _name_forms() -> tuple[frozenset[str], frozenset[str]]:
    """The first names that are no word of either language, and the first names' -s forms
    that are ('marks', 'bills'): the dictionary is read once and not kept."""
    words = dictionary_words()
    names = given_names()
    return (frozenset(name for name in names if len(name) > 2) - words - _known_words(),
            frozenset(name + "s" for name in names if name + "s" in words))


def _redact_again(text: str, learned: set[str]) -> str:
    """Redact every other mention of a name this text has shown to be one.

    'Team effort met Sevda Öztürk ... Makelaars: Sevda is bereikbaar': a name opening a
    sentence, or written in lower case ('ronan, INC0048812 is yours'), is the same person. A
    lower-case mention that is also a word of the gazetteer or the glossaries stays.
    """
    names = "|".join(map(re.escape, sorted(learned, key=len, reverse=True)))
    pattern = re.compile(rf"(?<![\w@#/.\[-])({names})(['’]s)?(?![\w-])", re.IGNORECASE)
    words = _known_words()

    def replace(match: re.Match) -> str:
        word = match.group(1)
        if word[0].islower() and word.lower() in words:
            return match.group(0)
        return "[person]" + (match.group(2) or "")

    return pattern.sub(replace, text)


def _redact_run(run: re.Match, keep: frozenset[str], covered: list[tuple[int, int]],
                learned: set[str]) -> str:
    chunk, offset, text = run.group(0), run.start(), run.string
    tokens = list(_TOKEN.finditer(chunk))
    caps = [t for t in tokens if t.group(0)[0].isupper()]
    gazetteer = _gazetteer()
    kinds = [_kind(t, offset, keep, covered) for t in caps]
    cues = [i for i, t in enumerate(caps) if _key(t.group(0)) in gazetteer.cues]
    if cues:
        # 'Ziekenhuis De Linde', 'Hotel Max': an organisation is the capitals around its cue
        # with nothing else between them; a name joined to it by lower-case words ('Hinke de
        # Jong-Bakker van het Lely Center') is still a name.
        for i in _organisation(chunk, caps, cues):
            kinds[i] = SAFE
        if NAME not in kinds:
            return chunk
    for i in range(1, len(caps)):
        if _key(caps[i - 1].group(0)) in _ARTICLES and kinds[i] != PARTICLE:
            kinds[i] = SAFE
    if tokens[0] is caps[0] and _sentence_start(text, offset + caps[0].start()):
        kinds[0] = _initial_kind(caps[0].group(0), kinds)
    _settle(kinds)
    if NAME not in kinds:
        return chunk
    learned.update(_key(t.group(0)) for t, kind in zip(caps, kinds, strict=True)
                   if kind == NAME and len(_key(t.group(0))) > 2)
    return _replace_names(chunk, tokens, caps, kinds)


def _organisation(chunk: str, caps: list[re.Match], cues: list[int]) -> set[int]:
    """The capitals that make up the organisations named by the cues at `cues`: each cue with
    the capitals joined to it by spaces alone."""
    # joined[i]: caps[i] and caps[i + 1] have nothing but spaces between them
    joined = [not chunk[a.end():b.start()].strip()
              for a, b in zip(caps, caps[1:], strict=False)]
    inside: set[int] = set()
    for cue in cues:
        start = end = cue
        while start > 0 and joined[start - 1]:
            start -= 1
        while end < len(joined) and joined[end]:
            end += 1
        inside.update(range(start, end + 1))
    return inside


def _kind(token: re.Match, offset: int, keep: frozenset[str], covered) -> int:
    word = token.group(0)
    start = offset + token.start()
    if any(begin <= start < end for begin, end in covered):
        return SAFE
    key = _key(word)
    if key in keep:
        return SAFE
    if key in CAPITAL_PARTICLES:
        return PARTICLE
    safety = _safety(word)
    if safety == WEAK and key in _gazetteer().common and key in given_names():
        return NAME  # 'Ben', 'Floor', 'Ward' inside a sentence; 'Read', 'Pages' stay
    return safety


def _initial_kind(word: str, kinds: list[int]) -> int:
    """A sentence's first word is a name only when it is known as one or looks like one."""
    if kinds[0] in (SAFE, PARTICLE):
        return kinds[0]  # a particle joins the name after it: 'Van der Linde zei'
    safety = _safety(word)
    if safety != NAME:
        return safety  # 'Ben benieuwd', 'Florence' (WEAK: a name only beside another)
    if _key(word) in name_words() or _double_name(word) or _bare_possessive(word):
        return NAME
    following = [kind for kind in kinds[1:] if kind != PARTICLE]
    return NAME if following and following[0] == NAME else SAFE


def _bare_possessive(word: str) -> bool:
    """A known first name with the possessive -s and no apostrophe, as Dutch writes it and a
    hurried English writer does ('Mehmets fiets', 'Mehmets wont register'), when that form is
    no word of either language ('Marks', 'Bills' are)."""
    key = word.lower()
    return (key.endswith("s") and key[:-1] in given_names()
            and key not in _name_forms()[1])


def _settle(kinds: list[int]) -> None:
    """A word that is safe but also a name joins a name beside it ('Bart Mol', 'Van Doorn')."""
    for _ in range(2):
        for i, kind in enumerate(kinds):
            before = kinds[i - 1] if i else None
            after = kinds[i + 1] if i + 1 < len(kinds) else None
            if kind == WEAK and (before in (NAME, PARTICLE) or after == NAME):
                kinds[i] = NAME
        for i in range(len(kinds) - 1, -1, -1):
            if kinds[i] == PARTICLE and i + 1 < len(kinds) and kinds[i + 1] in (NAME, WEAK):
                kinds[i] = NAME if kinds[i + 1] == NAME else kinds[i]


def _replace_names(chunk: str, tokens, caps, kinds) -> str:
    """Put one [person] over each row of names, with the particles between and before them."""
    parts, last, i = [], 0, 0
    while i < len(caps):
        if kinds[i] != NAME:
            i += 1
            continue
        j = i
        while j + 1 < len(caps) and kinds[j + 1] == NAME:
            j += 1
        start = caps[i].start()
        if i == 0 and not tokens[0].group(0)[0].isupper():
            start = 0  # 'van der' before the first name belongs to it
        end_word = caps[j].group(0)
        suffix = _possessive(end_word)
        parts.append(chunk[last:start] + "[person]" + suffix)
        last = caps[j].end()
        i = j + 1
    parts.append(chunk[last:])
    return "".join(parts)


def _possessive(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return suffix
    return ""


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """Lower-case word without its possessive: "Famke's" and 'Thanh’s' -> 'famke', 'thanh'."""
    word = word.replace("’", "'").lower()
    if word.endswith("'s") and len(word) > 3:
        return word[:-2]
    return word.rstrip("'-")


@lru_cache(maxsize=65536)
def _safety(word: str) -> int:
    """SAFE, WEAK (safe, but also a name: 'Florence', 'Ben') or NAME, whatever the position."""
    key = _key(word)
    gazetteer = _gazetteer()
    full = word.replace("’", "'").lower()
    if full in gazetteer.words or key in gazetteer.words:
        return WEAK if key in _names() else SAFE
    # The glossaries are not curated against names ('YARA' rules, 'Dev' tools): a word that
    # is also a name is not made safe by them.
    if key in _glossary() and key not in _names():
        return SAFE
    base = word[: len(word) - len(_possessive(word))] if _possessive(word) else word
    base = base.strip("'’-")
    if not base:
        return SAFE
    if "-" in base:
        parts = [part for part in base.split("-") if part]
        capitals = [part for part in parts if part[0].isupper()]
        if len(capitals) > 1 and all(_safety(part) == SAFE for part in capitals):
            return SAFE
        if len(capitals) == 1 and parts[0] is capitals[0]:
            return _safety(parts[0])  # 'FNV-bijeenkomst', 'Python-developer'
        return NAME  # 'Pieter-Jan', 'Smit-Bakker'
    letters = [c for c in base if c.isalpha()]
    if len(letters) < 2:
        return SAFE  # 'I', 'Plan B'; initials are handled by INITIALS
    if all(c.isupper() for c in letters) or any(c.isdigit() for c in base):
        return SAFE  # SQL, NIS2, GA4
    if any(c.isupper() for c in base[1:]) and not _NAME_INNER_CAPITAL.match(base):
        return SAFE  # PostgreSQL, iPhone, ParnasSys
    return NAME


def _double_name(word: str) -> bool:
    parts = [part for part in word.split("-") if part]
    return len(parts) > 1 and sum(part[0].isupper() for part in parts) > 1


def _sentence_start(text: str, pos: int) -> bool:
    """After . ! ? : ; a line break, a list bullet or an opening quote ('"Fix the build"')."""
    i = pos - 1
    while i >= 0 and text[i] in _SKIP_BACK:
        if text[i] in _OPENING_QUOTES and (i == 0 or text[i - 1] in " \t\n("):
            return True
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _phrase_spans(text: str, capitals: set[str]) -> list[tuple[int, int]]:
    """Spans of the gazetteer's phrases ('Albert Heijn', 'Zorg en Zekerheid') in `text`."""
    phrases = _gazetteer().phrases
    spans: list[tuple[int, int]] = []
    lower = None
    for word in capitals:
        for phrase in phrases.get(word.lower(), ()):
            lower = lower or text.lower()
            start = lower.find(phrase)
            while start >= 0:
                end = start + len(phrase)
                if end == len(lower) or not (lower[end].isalnum() or lower[end] == "-"):
                    spans.append((start, end))
                start = lower.find(phrase, start + 1)
    return spans


class _Gazetteer:
    """The gazetteer file as sets: single words, phrases by first word, organisation cues."""

    def __init__(self, data: dict) -> None:
        self.cues = frozenset(str(word).lower() for word in data.pop("organisation_cues"))
        words: set[str] = set()
        common: set[str] = set()
        phrases: dict[str, list[str]] = {}
        for kind, entries in data.items():
            for entry in map(str, entries):
                chunks = entry.lower().split()
                if len(chunks) > 1:
                    phrases.setdefault(_TOKEN.findall(chunks[0])[0], []).append(" ".join(chunks))
                elif kind.startswith("common"):
                    common.update(_TOKEN.findall(entry.replace("’", "'").lower()))
                else:
                    words.update(_TOKEN.findall(entry.replace("’", "'").lower()))
        # Longest first, so 'meta business suite' is tried before 'meta'.
        self.phrases = {k: sorted(v, key=len, reverse=True) for k, v in phrases.items()}
        self.common = frozenset(common - words)
        self.words = frozenset(words | common)


@cache
def _gazetteer() -> _Gazetteer:
    return _Gazetteer(dict(load_mapping("redaction/gazetteer.yaml")))


@cache
def _glossary() -> frozenset[str]:
    """Every word of the relevance glossary: professional words are never names."""
    entries: list[str] = []
    for field in load_glossary():
        entries += field.words
        entries += [word for words in field.related.values() for word in words]
        entries += list(field.related)
    return frozenset(token.lower() for entry in entries for token in _TOKEN.findall(str(entry)))


@cache
def _known_words() -> frozenset[str]:
    """The gazetteer's words and the glossary's, joined once (a join costs ~0.5 ms)."""
    return _gazetteer().words | _glossary()


@cache
def _names() -> frozenset[str]:
    return name_words() | ambiguous_names()
