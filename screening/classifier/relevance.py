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
from dataclasses import dataclass, field
from functools import cache, lru_cache

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from screening.classifier.lexicon import Field, load_glossary, load_mapping
from screening.classifier.model import Vacancy
from screening.classifier.newwords import unwatch, watch

_SPLIT = re.compile(r"[-/_.#]+")


def singulars(word: str, endings: tuple[str, ...] = ("s", "en", "es")) -> list[str]:
    """Return `word` without each plural ending it has, where enough of it is left."""
    return [word[: -len(end)] for end in endings
            if word.endswith(end) and len(word) > len(end) + 3]


def criterion_variants(term: str) -> set[str]:
    """Return spellings of one criterion that should match it."""
    lower = term.lower().strip()
    variants = {lower}
    variants.add(lower.replace("-", " "))
    variants.add(lower.replace("/", " "))
    variants.add(lower.replace("-", ""))
    variants.add(re.sub(r"[-/ ]", "", lower))
    variants.update(singulars(lower))
    if not lower.endswith("s"):
        variants.add(lower + "s")
    return {v for v in variants if v}


def expand_criteria(criteria: tuple[str, ...]) -> dict[str, str]:
    """Map every variant (through the glossary) to the criterion it stands for.

    A criterion joins a glossary group when any spelling of it meets any spelling of a group
    word ('apk keurmeester' meets 'apk-keurmeester', 'back-end' meets 'backend').
    """
    groups = _group_spellings()
    expanded: dict[str, str] = {}
    for criterion in criteria:
        words = {criterion.lower()} | criterion_variants(criterion)
        for group, spellings in groups:
            if not words.isdisjoint(spellings):
                words |= set(group)
        for word in words:
            for variant in criterion_variants(word) | {word}:
                expanded.setdefault(variant, criterion)
    return expanded


@cache
def _group_spellings() -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    return tuple(
        (group, frozenset(v for word in group for v in criterion_variants(word) | {word}))
        for field in load_glossary() for group in field.groups
    )


@dataclass(frozen=True)
class Expansion:
    """How one criterion is matched (its variants) and what the recruiter might add."""

    criterion: str
    variants: tuple[str, ...]
    suggestions: tuple[str, ...]


def describe_criteria(criteria: tuple[str, ...] | list[str]) -> list[Expansion]:
    """Tell, per criterion, which words also match it and which related terms could be added.

    Variants are the glossary's synonyms, abbreviations and sub-tools (spelling variants such
    as plurals are left out: they are not news to anyone); suggestions are the glossary's
    related terms that none of the criteria covers yet. The answer depends on the criteria and
    the glossary only, so it is worked out once per set of criteria (a vacancy's page asks for
    it on every view).
    """
    return list(_describe(tuple(criteria)))


@lru_cache(maxsize=512)
def _describe(criteria: tuple[str, ...]) -> tuple[Expansion, ...]:
    related = {key: list(values) for field in load_glossary()
               for key, values in field.related.items()}
    covered = set(expand_criteria(tuple(criteria)))
    out = []
    for criterion in criteria:
        spellings = criterion_variants(criterion) | {criterion.lower()}
        variants = tuple(dict.fromkeys(
            word for group, group_spellings in _group_spellings()
            if not spellings.isdisjoint(group_spellings)
            for word in group if word not in spellings
        ))
        suggestions = []
        for word in [criterion.lower(), *variants]:
            for term in related.get(word, ()):
                if term.lower() not in covered and term not in suggestions:
                    suggestions.append(term)
        out.append(Expansion(criterion, variants, tuple(suggestions)))
    return tuple(out)


@dataclass
class CriteriaMatch:
    """Which criteria a doc names, where (token spans), and whether it shows professional work."""

    criteria: list[str]
    signal: bool = False
    # Every occurrence, (criterion, start, end) in tokens: an excerpt may skip some sentences.
    hits: list[tuple[str, int, int]] = field(default_factory=list)
    # Words of the vacancy's fields or its description that are not criteria: (word, start,
    # end).
    field_hits: list[tuple[str, int, int]] = field(default_factory=list)
    # Professional-activity words that are not criteria: (word, start, end).
    signal_hits: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def field_words(self) -> set[str]:
        return {word for word, _, _ in self.field_hits}

    @property
    def signal_words(self) -> set[str]:
        return {word for word, _, _ in self.signal_hits}

    @property
    def rich(self) -> bool:
        """Several of the field's words and several professional-activity words: a post
        about the work in the field's own terms, whether or not it names a criterion."""
        return len(self.field_words) >= RICH_WORDS and len(self.signal_words) >= RICH_WORDS


SIGNAL = "@signal"
FIELD = "@field"
DESCRIPTION = "@description"
# A field is the vacancy's when this many of its words occur in the vacancy's text, and at
# least half as many as in the best field's.
FIELD_MIN_WORDS = 3
# A post's field evidence is rich with this many distinct field words and as many distinct
# professional-activity words (a vacancy's description words count as both).
RICH_WORDS = 2


def vacancy_fields(vacancy: Vacancy) -> list[Field]:
    """Return the glossary fields the vacancy belongs to, by their words in its text."""
    text = " ".join((vacancy.title, vacancy.description, " ".join(vacancy.criteria))).lower()
    # Words as the glossary writes them: without a sentence's full stop, and in the singular
    # too ('bezichtigingen' is 'bezichtiging', 'x-rays' is 'x-ray').
    words = re.sub(r"[^\w/+#.-]+|\.(?=\s|$)", " ", text).split()
    singular = [form for word in words for form in singulars(word, ("s", "en"))]
    padded = " " + " ".join(words) + " " + " ".join(singular) + " "
    scores = []
    for glossary_field in load_glossary():
        found = sum(1 for word in glossary_field.words if f" {word} " in padded)
        if found >= FIELD_MIN_WORDS:
            scores.append((found, glossary_field))
    if not scores:
        return []
    best = max(score for score, _ in scores)
    chosen = sorted((s for s in scores if s[0] * 2 >= best), key=lambda s: -s[0])
    return [glossary_field for _, glossary_field in chosen[:3]]


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
        self.terms.add(SIGNAL, [nlp.make_doc(word) for word in signal_words()])
        # The description's own content words: this vacancy's vocabulary, and a signal too.
        self.description_key = nlp.vocab.strings.add(DESCRIPTION)
        described = description_words(nlp, vacancy.description) - set(signal_words())
        if described:
            self.terms.add(DESCRIPTION, [nlp.make_doc(word) for word in sorted(described)])
        # The vocabulary of the vacancy's fields (the glossary's groups and terms): evidence
        # that a post talks about the work, where it names no criterion.
        self.fields = vacancy_fields(vacancy)
        self.field_key = nlp.vocab.strings.add(FIELD)
        field_words = sorted({w for f in self.fields for w in f.words} - set(self.variants))
        if field_words:
            self.terms.add(FIELD, [nlp.make_doc(word) for word in field_words])
        self.single = {v: c for v, c in self.variants.items() if " " not in v and len(v) >= 2}
        # Words redaction keeps: the criteria and every variant the glossary gives them.
        self.protected = frozenset(
            word for variant in self.variants for word in variant.split()
        ) | frozenset(word for c in vacancy.criteria for word in c.split())
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
        hits: list[tuple[str, int, int]] = []
        covered: set[int] = set()
        signals: list[tuple[str, int, int]] = []
        fields: list[tuple[str, int, int]] = []
        for key, start, end in self.terms(doc):
            if key == self.signal_key:
                signals.append((doc[start:end].text.lower(), start, end))
            elif key == self.description_key:
                signals.append((doc[start:end].text.lower(), start, end))
                fields.append((doc[start:end].text.lower(), start, end))
            elif key == self.field_key:
                fields.append((doc[start:end].text.lower(), start, end))
            else:
                criterion = self.by_key[key]
                found.setdefault(criterion, (start, end))
                hits.append((criterion, start, end))
                covered.update(range(start, end))
        # A criterion is no signal of itself ('ziekenhuis' is both for a nurse's vacancy).
        signals = [hit for hit in signals if hit[1] not in covered]
        fields = [hit for hit in fields if not covered.intersection(range(hit[1], hit[2]))]
        return CriteriaMatch(list(found), bool(signals), hits, fields, signals)

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


@dataclass(frozen=True)
class RelevanceThresholds:
    """The trained layer's 'relevant' scores the relevance rules ask for (set by the build).

    `floor`: below it a post is not shown at all (the model sees no professional content);
    `with_criterion`: one criterion and this score stand in for a professional signal;
    `without`: no criterion, but the vacancy's field vocabulary and this score;
    `signal`: no criterion and no field word, but a professional-activity word ('deployed',
    'dienst') and this score: a candidate's work posts that name the job in their own words;
    `model`: the score alone, on the sentences the personal-disclosure gate lets through;
    `rich`: the field's vocabulary when the evidence is rich (`CriteriaMatch.rich`): a score
    this high is enough, where `without` asks for more of a post with one field word.
    The last three are learned, not read off the vacancy: the build sets them by
    leave-one-vacancy-out cross-validation, at a relevant precision of at least 0.90 on
    vacancies the model never saw, and leaves them at 1.01 (off) when they do not pay.
    """

    floor: float = 0.0
    with_criterion: float = 1.01
    without: float = 1.01
    signal: float = 1.01
    model: float = 1.01
    rich: float = 1.01


NO_MODEL = RelevanceThresholds()


def relevance_rule(
    match: CriteriaMatch, professional: float | None, thresholds: RelevanceThresholds = NO_MODEL
) -> str | None:
    """Return why a post is relevant ('criteria', 'field', 'signal' or 'model'), or None.

    Two distinct criteria, or one with a professional signal, the field's vocabulary or the
    model's professional score; the field's vocabulary and a professional score (lower when
    the field evidence is rich); without either, a professional-activity word and a higher
    score, or the score alone. Without a model (`professional` None) only the criteria rules apply.
    """
    if professional is not None and professional < thresholds.floor:
        return None
    count = len(match.criteria)
    if count >= 2:
        return "criteria"
    if count == 1 and (match.signal or (
            professional is not None and professional >= thresholds.with_criterion)):
        return "criteria"
    if professional is None:
        return None
    if match.field_hits and professional >= (
            min(thresholds.rich, thresholds.without) if match.rich else thresholds.without):
        return "field"
    if count == 0 and match.signal_hits and professional >= thresholds.signal:
        return "signal"
    if count == 0 and professional >= thresholds.model:
        return "model"
    return None
