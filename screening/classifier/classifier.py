"""The classifier: one verdict per post against a vacancy, withheld before relevant."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager

from spacy.language import Language
from spacy.tokens import Doc

from screening.classifier.excerpt import excerpt
from screening.classifier.language import detect_language
from screening.classifier.model import Outcome, Post, SpecialCategory, Vacancy, Verdict
from screening.classifier.names import first_names, gender_of_handle
from screening.classifier.pipeline import LEMMATIZER, load_pipeline
from screening.classifier.redaction import redact
from screening.classifier.relevance import VacancyMatcher, is_relevant
from screening.classifier.special import findings_of

LANGUAGES = ("en", "nl")
_IRRELEVANT = Verdict(Outcome.IRRELEVANT)
_IRRELEVANT_IN = {lang: Verdict(Outcome.IRRELEVANT, language=lang) for lang in LANGUAGES}


class Classifier:
    """Classify posts with one pipeline per language; build once, reuse for every run."""

    def __init__(self, pipelines: Mapping[str, Language]) -> None:
        self.pipelines = dict(pipelines)
        self._matchers: dict[tuple, VacancyMatcher] = {}
        # Our lookup lemmatizer does its work once per word, as the vocabulary's NORM, which
        # every matcher here reads; its per-Doc step only copies that into `token.lemma` for
        # other readers. Verdicts read no Doc afterwards, so classifying skips the copy.
        self._skip: dict[str, list[str]] = {}
        for lang, nlp in self.pipelines.items():
            if LEMMATIZER in nlp.pipe_names:
                lemmatizer = nlp.get_pipe(LEMMATIZER)
                if not lemmatizer.table:
                    lemmatizer.load_table(nlp.lang)
                self._skip[lang] = [LEMMATIZER]

    @classmethod
    def for_languages(
        cls, languages: Iterable[str] = LANGUAGES, names: Mapping[str, str | None] | None = None
    ) -> Classifier:
        """Build the pipelines; `names` may name a trained pipeline package or path per language."""
        names = names or {}
        return cls({lang: load_pipeline(lang, names.get(lang)) for lang in languages})

    def classify(self, post: Post, vacancy: Vacancy) -> Verdict:
        """Return the verdict on one post."""
        return self.classify_many([post], vacancy)[0]

    def classify_many(
        self, posts: Sequence[Post], vacancy: Vacancy, batch_size: int = 256
    ) -> list[Verdict]:
        """Return the verdicts on `posts`, in order, running `nlp.pipe` per language."""
        verdicts: list[Verdict] = [_IRRELEVANT] * len(posts)
        by_language: dict[str, list[int]] = {}
        for i, post in enumerate(posts):
            if post.is_own:  # reposts and quotes are not the candidate's words
                by_language.setdefault(self._language(post), []).append(i)
        for lang, indexes in by_language.items():
            matcher = self._matcher(lang, vacancy)
            texts = (posts[i].text for i in indexes)
            docs = self.pipelines[lang].pipe(texts, batch_size=batch_size,
                                             disable=self._skip.get(lang, []))
            for i, doc in zip(indexes, docs, strict=True):
                verdicts[i] = self._decide(posts[i], doc, matcher, lang)
        return verdicts

    @contextmanager
    def memory_zone(self, vacancy: Vacancy) -> Iterator[None]:
        """Classify inside spaCy memory zones, so a long-running worker does not grow.

        Strings added inside a zone are freed when it ends: whatever is cached across runs
        (this vacancy's matchers) is built before the zones open.
        """
        for lang in self.pipelines:
            self._matcher(lang, vacancy)
        with ExitStack() as stack:
            for nlp in self.pipelines.values():
                stack.enter_context(nlp.memory_zone())
            yield

    def _language(self, post: Post) -> str:
        lang = detect_language(post.text, post.lang)
        return lang if lang in self.pipelines else next(iter(self.pipelines))

    def _decide(self, post: Post, doc: Doc, matcher: VacancyMatcher, lang: str) -> Verdict:
        findings = findings_of(doc)
        categories = findings.categories
        if findings.partners and _reveals_orientation(doc, findings.partners, post.author):
            categories = categories | {SpecialCategory.SEX_LIFE_ORIENTATION.value}
        if categories:
            return Verdict(
                Outcome.WITHHELD,
                categories=tuple(sorted(SpecialCategory(c) for c in categories)),
                language=lang,
            )
        match = matcher.match(doc)
        if not is_relevant(match):
            # Verdicts are immutable: share the common one.
            return _IRRELEVANT_IN.get(lang) or Verdict(Outcome.IRRELEVANT, language=lang)
        offsets = [doc[start].idx for start, _ in match.spans]
        shown = redact(excerpt(post.text, offsets), post.author, protected=_words(match.criteria))
        return Verdict(
            Outcome.RELEVANT, matched=tuple(match.criteria), excerpt=shown, language=lang
        )

    def _matcher(self, lang: str, vacancy: Vacancy) -> VacancyMatcher:
        key = (lang, vacancy.id, vacancy.criteria, vacancy.language)
        matcher = self._matchers.get(key)
        if matcher is None:
            if len(self._matchers) > 64:
                for old in self._matchers.values():
                    old.close()
                self._matchers.clear()
            matcher = self._matchers[key] = VacancyMatcher(self.pipelines[lang], vacancy)
        return matcher


def _words(criteria: Iterable[str]) -> set[str]:
    return {word for criterion in criteria for word in criterion.split()}


def _reveals_orientation(doc: Doc, partners: Iterable[tuple[int, str]], author: str) -> bool:
    """A partner of the author's own sex ('my husband' from a man); unknown sex withholds."""
    for index, partner in partners:
        if partner == "unknown" and index + 1 < len(doc):
            partner = first_names().get(doc[index + 1].lower_, "unknown")
        if partner == "unknown":
            continue
        own = gender_of_handle(author)
        if own in ("unknown", partner):
            return True
    return False
