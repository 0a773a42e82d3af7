"""The special-category matcher: finds Art. 9 / Art. 10 data in a Doc, in Dutch and English.

Every post is matched against the lexicons of both languages, because mixed posts are common.
Terms are matched on the lower-case form (both languages) and on the lemma (the pipeline's own
language); compound parts by prefix and suffix rules; context patterns with one spaCy Matcher
each, run only when the pattern's rarest word occurs. A hit counts unless a professional word
(patients, training, ...) is closer to it than any personal word (I, my, family), so that a
nurse's post on wound care is not health data; `when_personal` hits also need a personal word
within the window. Ambiguity resolves toward withholding.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

from screening.classifier.lexicon import (
    CategoryLexicon,
    anchor_words,
    compile_pattern,
    load_special,
    load_word_list,
)

# How far (in tokens) a personal word may be from a `when_personal` hit.
PERSONAL_WINDOW = 12
# A professional word this close, and closer than any personal word, makes a hit a topic.
PROFESSIONAL_WINDOW = 4

_NO_INFO = (None, (), (), None)


def _ensure_extensions() -> None:
    for name, default in (("special_categories", None), ("partner_mentions", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


class SpecialCategoryMatcher:
    """Set `doc._.special_categories` and `doc._.partner_mentions` (for the author check)."""

    def __init__(self, nlp: Language, name: str = "special_categories") -> None:
        _ensure_extensions()
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.name = name
        self._built = False

    # -- building ---------------------------------------------------------------------------
    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Compile the lexicons; runs after the lemmatizer so lemma patterns use its table."""
        self._build()

    def _build(self) -> None:
        self.lower = PhraseMatcher(self.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(self.vocab, attr="NORM")
        self.prefixes: dict[str, list[str]] = {}
        self.suffixes: dict[str, list[str]] = {}
        self.patterns: dict[int, tuple[str, Matcher]] = {}
        self.anchors: dict[int, list[int]] = {}
        self.partner_nouns: dict[int, str] = {}
        self.possessives: set[int] = set()
        for lexicon in load_special():
            self._add_lexicon(lexicon)
        self.personal = self._hashes("context/personal.en.yaml", "context/personal.nl.yaml")
        self.professional = self._hashes(
            "context/professional.en.yaml", "context/professional.nl.yaml"
        )
        self._cache: dict[int, tuple] = {}
        self._built = True

    def _hashes(self, *names: str) -> set[int]:
        return {get_string_id(word.lower()) for name in names for word in load_word_list(name)}

    def _add_lexicon(self, lexicon: CategoryLexicon) -> None:
        own_language = lexicon.language == self.nlp.lang
        for tier, block in lexicon.blocks.items():
            key = f"{lexicon.category}|{tier}"
            docs = [self.nlp.make_doc(term) for term in block.terms]
            if docs:
                self.lower.add(key, docs)
                if own_language:
                    self.lemma.add(key, docs)
            for prefix in block.prefixes:
                self.prefixes.setdefault(prefix.lower(), []).append(key)
            for suffix in block.suffixes:
                self.suffixes.setdefault(suffix.lower(), []).append(key)
            for text in block.patterns:
                self._add_pattern(key, text)
        partners = lexicon.partners
        for noun, gender in (partners.get("nouns") or {}).items():
            self.partner_nouns[get_string_id(noun.lower())] = gender
        for word in partners.get("possessives") or ():
            self.possessives.add(get_string_id(word.lower()))

    def _add_pattern(self, key: str, text: str) -> None:
        pid = len(self.patterns)
        matcher = Matcher(self.vocab)
        matcher.add(key, [compile_pattern(text)])
        self.patterns[pid] = (key, matcher)
        for word in anchor_words(text):
            self.anchors.setdefault(get_string_id(word), []).append(pid)

    # -- per word, cached -------------------------------------------------------------------
    def _info(self, orth: int) -> tuple:
        """Return (marker, compound keys, pattern ids, partner gender) for one word."""
        info = self._cache.get(orth)
        if info is None:
            info = self._compute_info(orth)
            if len(self._cache) < 500_000:
                self._cache[orth] = info
        return info

    def _compute_info(self, orth: int) -> tuple:
        marker = "personal" if orth in self.personal else None
        if orth in self.professional:
            marker = "professional"
        keys: list[str] = []
        text = self.vocab.strings[orth] if orth in self.vocab.strings else ""
        if len(text) > 3:
            for part in _compound_parts(text):
                keys.extend(self._affix_keys(part))
        pids = tuple(self.anchors.get(orth, ()))
        partner = self.partner_nouns.get(orth)
        if marker is None and not keys and not pids and partner is None:
            return _NO_INFO
        return (marker, tuple(dict.fromkeys(keys)), pids, partner)

    def _affix_keys(self, word: str) -> list[str]:
        keys = []
        for prefix, prefix_keys in self.prefixes.items():
            if word.startswith(prefix) and len(word) > len(prefix):
                keys.extend(prefix_keys)
        for suffix, suffix_keys in self.suffixes.items():
            if word.endswith(suffix) and len(word) > len(suffix):
                keys.extend(suffix_keys)
        return keys

    # -- per doc ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        if not self._built:
            self._build()
        hits, personal, professional, partners = self.match(doc)
        self.set_annotations(doc, hits, personal, professional, partners)
        return doc

    def match(self, doc: Doc) -> tuple[list, list[int], list[int], list]:
        """Collect candidate hits (key, start, end) and the positions of context words."""
        hits: list[tuple[str, int, int]] = []
        personal: list[int] = []
        professional: list[int] = []
        partners: list[tuple[int, str]] = []
        candidates: set[int] = set()
        strings = self.vocab.strings
        for i, orth in enumerate(doc.to_array(LOWER).tolist()):
            marker, keys, pids, partner = self._info(orth)
            if marker == "personal":
                personal.append(i)
            elif marker == "professional":
                professional.append(i)
            for key in keys:
                hits.append((key, i, i + 1))
            if pids:
                candidates.update(pids)
            if partner is not None:
                partners.append((i, partner))
        for matcher in (self.lower, self.lemma):
            hits.extend((strings[k], s, e) for k, s, e in matcher(doc))
        for pid in candidates:
            key, matcher = self.patterns[pid]
            hits.extend((key, s, e) for _, s, e in matcher(doc))
        return hits, personal, professional, partners

    def set_annotations(self, doc, hits, personal, professional, partners) -> None:
        """Keep the categories whose hits survive the context rules."""
        found: set[str] = set()
        for key, start, end in hits:
            category, tier = key.split("|")
            if category not in found and _counts(tier, start, end, personal, professional):
                found.add(category)
        doc._.special_categories = found
        doc._.partner_mentions = self._partner_mentions(doc, partners)

    def _partner_mentions(self, doc: Doc, partners: list[tuple[int, str]]) -> list:
        """Return (token index, gender) for 'my husband', 'mijn vriendin Roos', ..."""
        mentions = []
        for i, gender in partners:
            before = {doc[j].lower for j in range(max(0, i - 2), i)}
            if before & self.possessives:
                mentions.append((i, gender))
        return mentions


def _compound_parts(text: str) -> list[str]:
    lower = text.lower()
    parts = [lower]
    if "-" in lower:
        parts.extend(p for p in lower.split("-") if p)
    return parts


def _distance(positions: list[int], start: int, end: int) -> int:
    """Return the distance in tokens from the nearest position to the span [start, end)."""
    if not positions:
        return 1 << 30
    i = bisect_left(positions, start)
    best = 1 << 30
    if i < len(positions):
        best = max(0, positions[i] - end + 1)
    if i > 0:
        best = min(best, start - positions[i - 1])
    return best


def _counts(tier: str, start: int, end: int, personal: list[int], professional: list[int]) -> bool:
    to_personal = _distance(personal, start, end)
    to_professional = _distance(professional, start, end)
    if to_professional <= PROFESSIONAL_WINDOW and to_professional < to_personal:
        return False
    if tier == "when_personal":
        return to_personal <= PERSONAL_WINDOW
    return True


@Language.factory("special_categories")
def make_special_categories(nlp: Language, name: str) -> SpecialCategoryMatcher:
    """Build the special-category matcher over the packaged lexicons."""
    return SpecialCategoryMatcher(nlp, name)
