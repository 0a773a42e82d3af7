"""Relevance of a post to a vacancy: its criteria (and their variants) plus professional signals.

Criteria are matched case-insensitively on the lemma (NORM, see lemmatizer.py) and on the
lower-case form, in either language through the glossary, with simple variants (plural,
hyphen and slash spellings, hashtags written as one word) and, for Dutch vacancies,
compound words that start or end with a criterion ('wondzorgspreekuur').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from screening.classifier.lexicon import load_mapping
from screening.classifier.model import Vacancy

_SPLIT = re.compile(r"[-/_.#]+")


def criterion_variants(term: str) -> set[str]:
    """Return spellings of one criterion that should match it."""
    lower = term.lower().strip()
    variants = {lower}
    variants.add(lower.replace("-", " "))
    variants.add(lower.replace("/", " "))
    variants.add(lower.replace("-", ""))
    variants.add(re.sub(r"[-/ ]", "", lower))
    for suffix in ("s", "en", "es"):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 3:
            variants.add(lower[: -len(suffix)])
    if not lower.endswith("s"):
        variants.add(lower + "s")
    return {v for v in variants if v}


def expand_criteria(criteria: tuple[str, ...]) -> dict[str, str]:
    """Map every variant (through the glossary) to the criterion it stands for."""
    glossary = load_mapping("relevance/glossary.yaml")["groups"]
    groups = [[word.lower() for word in group] for group in glossary]
    expanded: dict[str, str] = {}
    for criterion in criteria:
        words = {criterion.lower()} | criterion_variants(criterion)
        for group in groups:
            if words & set(group):
                words |= set(group)
        for word in words:
            for variant in criterion_variants(word) | {word}:
                expanded.setdefault(variant, criterion)
    return expanded


@dataclass
class CriteriaMatch:
    """Which criteria a doc names, and where (token spans)."""

    criteria: list[str]
    spans: list[tuple[int, int]]


class VacancyMatcher:
    """Match one vacancy's criteria in docs of one pipeline."""

    def __init__(self, nlp: Language, vacancy: Vacancy) -> None:
        self.vocab = nlp.vocab
        self.compounds = vacancy.language == "nl"
        self.variants = expand_criteria(vacancy.criteria)
        self.by_key: dict[int, str] = {}
        self.lemma = PhraseMatcher(nlp.vocab, attr="NORM")
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        for variant, criterion in self.variants.items():
            key = nlp.vocab.strings.add(criterion)
            self.by_key[key] = criterion
            pattern = nlp.make_doc(variant)
            self.lemma.add(criterion, [pattern])
            self.lower.add(criterion, [pattern])
        self.single = {v: c for v, c in self.variants.items() if " " not in v and len(v) >= 2}
        self._cache: dict[int, str | None] = {}

    def match(self, doc: Doc) -> CriteriaMatch:
        """Return the criteria named in `doc`."""
        found: dict[str, tuple[int, int]] = {}
        for matcher in (self.lemma, self.lower):
            for key, start, end in matcher(doc):
                found.setdefault(self.by_key.get(key, self.vocab.strings[key]), (start, end))
        for i, orth in enumerate(doc.to_array(LOWER).tolist()):
            criterion = self._part_match(orth)
            if criterion is not None:
                found.setdefault(criterion, (i, i + 1))
        return CriteriaMatch(list(found), list(found.values()))

    def _part_match(self, orth: int) -> str | None:
        if orth in self._cache:
            return self._cache[orth]
        word = self.vocab.strings[orth] if orth in self.vocab.strings else ""
        result = None
        if len(word) > 3:
            for part in _SPLIT.split(word):
                result = self._part_criterion(part)
                if result:
                    break
        if len(self._cache) < 200_000:
            self._cache[orth] = result
        return result

    def _part_criterion(self, part: str) -> str | None:
        if part in self.single:
            return self.single[part]
        stripped = part.rstrip("0123456789")
        if stripped != part and stripped in self.single and len(stripped) >= 3:
            return self.single[stripped]
        if not self.compounds:
            return None
        for variant, criterion in self.single.items():
            if len(variant) >= 6 and (part.startswith(variant) or part.endswith(variant)):
                return criterion
        return None


class SignalDetector:
    """Tell whether a doc shows professional activity."""

    def __init__(self) -> None:
        words = load_mapping("relevance/signals.yaml")["words"]
        self.words = frozenset(w.lower() for lang in words.values() for w in lang)

    def __call__(self, doc: Doc) -> bool:
        return any(token.lower_ in self.words for token in doc)


def is_relevant(match: CriteriaMatch, has_signal: bool) -> bool:
    """Two distinct criteria, or one with a professional signal, make a post relevant."""
    return len(match.criteria) >= 2 or (len(match.criteria) == 1 and has_signal)
