"""Relevance of a post to a vacancy: its criteria (and their variants) plus professional signals.

Criteria are matched case-insensitively on the lemma (NORM, see lemmatizer.py), in either
language through the glossary, with simple variants (plural, hyphen and slash spellings,
hashtags written as one word), inside paths and hashtags ('seo-audit-scripts') and, for
Dutch vacancies, in compound words that start or end with a criterion ('wondzorgspreekuur').
One criterion counts when the post also shows professional activity: a signal word, or a
content word of the vacancy's own description, that is not the criterion itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from screening.classifier.lexicon import load_mapping
from screening.classifier.model import Vacancy
from screening.classifier.newwords import unwatch, watch

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
    """Which criteria a doc names, where (token spans), and whether it shows professional work."""

    criteria: list[str]
    spans: list[tuple[int, int]]
    signal: bool = False


SIGNAL = "@signal"


class VacancyMatcher:
    """Match one vacancy's criteria and the professional signals in docs of one pipeline.

    Words that contain a criterion (hashtags, paths, Dutch compounds) are found once, when
    the vocabulary first sees them, and added to the same PhraseMatcher.
    """

    def __init__(self, nlp: Language, vacancy: Vacancy) -> None:
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.compounds = vacancy.language == "nl"
        self.variants = expand_criteria(vacancy.criteria)
        # NORM is the lemma (see lemmatizer.py): one matcher covers inflections and, for
        # words of the other language, their exact form.
        self.terms = PhraseMatcher(nlp.vocab, attr="NORM")
        self.by_key: dict[int, str] = {}
        for variant, criterion in self.variants.items():
            self.by_key[nlp.vocab.strings.add(criterion)] = criterion
            self.terms.add(criterion, [nlp.make_doc(variant)])
        self.signal_key = nlp.vocab.strings.add(SIGNAL)
        signals = set(signal_words()) | description_words(nlp, vacancy.description)
        self.terms.add(SIGNAL, [nlp.make_doc(word) for word in sorted(signals)])
        self.single = {v: c for v, c in self.variants.items() if " " not in v and len(v) >= 2}
        self.long = tuple(v for v in self.single if len(v) >= 6)
        self._learned: list[tuple[str, str]] = []
        watch(self.vocab, self._on_new_word)

    def close(self) -> None:
        """Stop looking at new words (the matcher is being dropped)."""
        unwatch(self.vocab, self._on_new_word)

    def match(self, doc: Doc) -> CriteriaMatch:
        """Return the criteria named in `doc`."""
        if self._learned:
            self._learn()
        found: dict[str, tuple[int, int]] = {}
        covered: set[int] = set()
        signals: list[int] = []
        for key, start, end in self.terms(doc):
            if key == self.signal_key:
                signals.append(start)
            else:
                found.setdefault(self.by_key[key], (start, end))
                covered.update(range(start, end))
        # A criterion is no signal of itself ('ziekenhuis' is both for a nurse's vacancy).
        signal = any(position not in covered for position in signals)
        return CriteriaMatch(list(found), list(found.values()), signal)

    def _on_new_word(self, word: str) -> None:
        if len(word) > 3:
            for part in _SPLIT.split(word.lower()):
                criterion = self._part_criterion(part)
                if criterion:
                    self._learned.append((word, criterion))
                    return

    def _learn(self) -> None:
        learned, self._learned = self._learned, []
        for word, criterion in learned:
            self.by_key[self.vocab.strings.add(criterion)] = criterion
            self.terms.add(criterion, [Doc(self.vocab, words=[word])])

    def _part_criterion(self, part: str) -> str | None:
        if part in self.single:
            return self.single[part]
        stripped = part.rstrip("0123456789")
        if stripped != part and stripped in self.single and len(stripped) >= 3:
            return self.single[stripped]
        if not self.compounds or not (part.startswith(self.long) or part.endswith(self.long)):
            return None
        for variant in self.long:
            if part.startswith(variant) or part.endswith(variant):
                return self.single[variant]
        return None


def description_words(nlp: Language, description: str) -> set[str]:
    """Return the content words of a vacancy's description: its own domain vocabulary."""
    stop_words = nlp.Defaults.stop_words
    return {
        token.lower_
        for token in nlp.make_doc(description)
        if token.is_alpha and len(token) >= 4 and token.lower_ not in stop_words
    }


def signal_words() -> list[str]:
    """Return the professional-activity words of both languages."""
    words = load_mapping("relevance/signals.yaml")["words"]
    return sorted({word.lower() for language in words.values() for word in language})


def is_relevant(match: CriteriaMatch) -> bool:
    """Two distinct criteria, or one with a professional signal, make a post relevant."""
    return len(match.criteria) >= 2 or (len(match.criteria) == 1 and match.signal)
