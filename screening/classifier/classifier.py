"""The classifier: one verdict per post against a vacancy, in layers that can only hold back.

Per post, in order: a language without a pipeline -> not assessed; (1) the lexicons and
patterns (reviewable by counsel) -> withheld; (2) the trained model, when its special-category
score reaches the threshold set by cross-validation -> withheld (for a post that would be
shown, the score of its most telling sentence counts too: see `shown_score`); relevance to
the vacancy's criteria and their glossary variants, else irrelevant; (3) the
personal-disclosure gate: only sentences that carry a match and are about nobody's private
life are shown, and nothing of a post that names someone with their age, else irrelevant.
A post is shown only when it is relevant and no layer objects; every verdict names the layer
and the rule or model label that decided (`Verdict.decided_by`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from screening.classifier.excerpt import excerpt, sentences
from screening.classifier.language import detect_language
from screening.classifier.model import Outcome, Post, SpecialCategory, Vacancy, Verdict
from screening.classifier.names import first_names, gender_of_handle
from screening.classifier.personal import is_private, names_someone_with_age
from screening.classifier.pipeline import LEMMATIZER, TEXTCAT, load_pipeline
from screening.classifier.redaction import contact_names, redact
from screening.classifier.relevance import (
    NO_MODEL,
    RelevanceThresholds,
    VacancyMatcher,
    relevance_rule,
)
from screening.classifier.special import (
    findings_of,
    names_biometric_sample_file,
    names_same_sex_couple,
    names_same_sex_partner,
    spouses_of_author,
)
from screening.classifier.textcat import score_slices

LANGUAGES = ("en", "nl")
_REPOST = Verdict(Outcome.IRRELEVANT, decided_by="source:repost")
_NO_MATCH = {lang: Verdict(Outcome.IRRELEVANT, language=lang, decided_by="relevance:none")
             for lang in LANGUAGES}
_PRIVATE = {lang: Verdict(Outcome.IRRELEVANT, language=lang, decided_by="personal:private_life")
            for lang in LANGUAGES}
_NAMED = {lang: Verdict(Outcome.IRRELEVANT, language=lang, decided_by="personal:named_with_age")
          for lang in LANGUAGES}
CATEGORIES = tuple(c.value for c in SpecialCategory)
SPECIAL_LABEL = "special"
# Without thresholds in the model's meta, any special-category score this high withholds.
DEFAULT_SPECIAL_THRESHOLD = 0.2
# Vacancy matchers kept per classifier (one per vacancy and language): a worker that screens
# for many vacancies in turn would otherwise rebuild them, which costs a pass over the
# vocabulary each. When the cap is reached all are dropped, so it must stay well above the
# vacancies a worker cycles through: the 90-vacancy corpus needed 170 and, at the old cap of 160,
# rebuilt them all the time (bench_classifier 0.05x the tokenizer instead of 0.2x); 98 need 196.
MAX_MATCHERS = 512
# The classifiers this process has built, by pipeline names (see Classifier.shared).
_SHARED: dict[tuple, Classifier] = {}
_SHARED_LOCK = threading.Lock()
MAX_SHARED = 4
SHOWN, NOT_SHOWN = "shown", "not_shown"
# A model score from which a withheld verdict names the category.
CONFIDENT = 0.5
RELEVANT_LABEL = "relevant"
# The relevance rules' model thresholds when a model's meta names none: only criteria count.
DEFAULT_RELEVANCE = {"floor": 0.0, "with_criterion": 1.01, "without": 1.01, "signal": 1.01,
                     "model": 1.01, "rich": 1.01}


class Classifier:
    """Classify posts with one pipeline per language; build once, reuse for every run."""

    def __init__(
        self, pipelines: Mapping[str, Language], thresholds: Mapping[str, float] | None = None
    ) -> None:
        self.pipelines = dict(pipelines)
        # The model layer's withholding thresholds, one for posts that would be shown and one
        # for the rest: given (cross-validation does), else recorded in each trained model's
        # meta when it was built, by cross-validation.
        self.thresholds = {
            lang: _thresholds(nlp, thresholds) for lang, nlp in self.pipelines.items()
            if TEXTCAT in nlp.pipe_names
        }
        self._matchers: dict[tuple, VacancyMatcher] = {}
        # One memory zone at a time: a zone frees, when it ends, the strings that another
        # thread's zone is still reading (a consumer runs several tasks in threads).
        self._zone = threading.Lock()
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

    @classmethod
    def shared(cls, names: Mapping[str, str | None]) -> Classifier:
        """Return this process's classifier for these pipelines, built on first use.

        Loading both pipelines costs about a second and a half of CPU: every app and every
        thread of a process share one (a server has one app; the tests build thousands).
        """
        key = tuple(sorted(names.items()))
        with _SHARED_LOCK:  # a second thread waits rather than loading them twice
            classifier = _SHARED.get(key)
            if classifier is None:
                if len(_SHARED) >= MAX_SHARED:
                    _SHARED.pop(next(iter(_SHARED)))
                classifier = _SHARED[key] = cls.for_languages(names=names)
        return classifier

    def classify(self, post: Post, vacancy: Vacancy) -> Verdict:
        """Return the verdict on one post."""
        return self.classify_many([post], vacancy)[0]

    def classify_many(
        self, posts: Sequence[Post], vacancy: Vacancy, batch_size: int = 256
    ) -> list[Verdict]:
        """Return the verdicts on `posts`, in order, running `nlp.pipe` per language."""
        verdicts: list[Verdict] = [_REPOST] * len(posts)
        by_language: dict[str, list[int]] = {}
        for i, post in enumerate(posts):
            if post.is_own:  # reposts and quotes are not the candidate's words
                by_language.setdefault(self._language(post), []).append(i)
        for lang, indexes in by_language.items():
            if lang not in self.pipelines:
                # No pipeline for this language: never assessed with another one, never shown.
                unassessed = Verdict(Outcome.NOT_ASSESSED, language=lang,
                                     decided_by=f"language:{lang}")
                for i in indexes:
                    verdicts[i] = unassessed
                continue
            matcher = self._matcher(lang, vacancy)
            texts = (posts[i].text for i in indexes)
            docs = self.pipelines[lang].pipe(texts, batch_size=batch_size,
                                             disable=self._skip.get(lang, []))
            for i, doc in zip(indexes, docs, strict=True):
                verdicts[i] = self._decide(posts[i], doc, matcher, lang)
        return verdicts

    @property
    def version(self) -> str:
        """Name what decides: the checksum of the model's config, corpus and lexicons."""
        recorded = sorted({(nlp.meta.get("fairscreen") or {}).get("checksum", "")
                           for nlp in self.pipelines.values()})
        return ",".join(c[:16] for c in recorded if c) or "lexicons-only"

    def scores(self, post: Post) -> dict[str, float]:
        """Return the model layer's label scores for one post ({} without a model)."""
        lang = self._language(post)
        if lang not in self.thresholds:
            return {}
        return dict(self.pipelines[lang](post.text).cats)

    @contextmanager
    def memory_zone(self, vacancy: Vacancy) -> Iterator[None]:
        """Classify inside spaCy memory zones, so a long-running worker does not grow.

        Strings added inside a zone are freed when it ends: whatever is cached across runs
        (this vacancy's matchers) is built before the zones open. Threads take turns (the
        work is CPU-bound, so they would anyway under the GIL).
        """
        with self._zone, ExitStack() as stack:
            for lang in self.pipelines:
                self._matcher(lang, vacancy)
            for nlp in self.pipelines.values():
                stack.enter_context(nlp.memory_zone())
            yield

    def _language(self, post: Post) -> str:
        lang = detect_language(post.text, post.lang)
        if lang in LANGUAGES and lang not in self.pipelines:
            return next(iter(self.pipelines))  # a classifier built for one of nl/en only
        return lang

    def _decide(self, post: Post, doc: Doc, matcher: VacancyMatcher, lang: str) -> Verdict:
        # Layer 1: the lexicons and patterns.
        findings = findings_of(doc)
        categories = findings.categories
        if (findings.partners and _reveals_orientation(doc, findings.partners, post.author)
                or names_same_sex_couple(post.text) or names_same_sex_partner(post.text)
                or _of_own_sex(spouses_of_author(post.text), post.author)):
            categories = categories | {SpecialCategory.SEX_LIFE_ORIENTATION.value}
        if names_biometric_sample_file(post.text):
            categories = categories | {SpecialCategory.BIOMETRIC.value}
        if categories:
            ordered = tuple(sorted(SpecialCategory(c) for c in categories))
            return Verdict(Outcome.WITHHELD, categories=ordered, language=lang,
                           decided_by=f"lexicon:{ordered[0].value}")
        match = matcher.match(doc)
        thresholds = self.thresholds.get(lang)
        professional = doc.cats.get(RELEVANT_LABEL) if thresholds and doc.cats else None
        rule = relevance_rule(match, professional,
                              relevance_thresholds(thresholds) if thresholds else NO_MODEL)
        if rule is not None:
            # Layer 2, the trained model, before the excerpt is built: stricter for a post
            # that would be shown.
            objection = self._model_objection(doc, lang, would_show=True, text=post.text)
            if objection is not None:
                return replace(objection, shown_by=f"relevance:{rule}")
            shown = self._shown(post, doc, matcher, match, rule, lang)
            if shown.verdict is Outcome.RELEVANT:
                return shown
        else:
            shown = _NO_MATCH.get(lang) or Verdict(Outcome.IRRELEVANT, language=lang,
                                                   decided_by="relevance:none")
        return self._model_objection(doc, lang, would_show=False) or shown

    def _shown(self, post: Post, doc: Doc, matcher: VacancyMatcher, match, rule: str,
               lang: str) -> Verdict:
        """Layer 3: only the matching sentences, and none about anyone's private life; nothing
        of a post that names someone with their age.

        The sentences that carry the rule's evidence: the criteria, the field's words, the
        professional-activity words; for the model's score alone, every sentence the gate
        lets through (up to the excerpt's limit), with no term to name.
        """
        if names_someone_with_age(post.text):
            return _NAMED.get(lang) or Verdict(Outcome.IRRELEVANT, language=lang,
                                               decided_by="personal:named_with_age")
        hits = {"criteria": match.hits, "field": match.field_hits,
                "signal": match.signal_hits}.get(rule, [])
        offsets = ([doc[start].idx for _, start, _ in hits] if hits
                   else [start for start, _ in sentences(post.text)])
        shown, kept = excerpt(post.text, offsets, keep=_not_private)
        matched = list(dict.fromkeys(
            term for term, start, _ in hits if any(s <= doc[start].idx < e for s, e in kept)))
        if not shown or (hits and not matched):
            return _PRIVATE.get(lang) or Verdict(Outcome.IRRELEVANT, language=lang,
                                                 decided_by="personal:private_life")
        shown = redact(shown, post.author, protected=matcher.protected,
                       names=contact_names(post.text, post.author))
        return Verdict(Outcome.RELEVANT, matched=tuple(matched[:6]), excerpt=shown,
                       language=lang, decided_by=f"relevance:{rule}")

    def explain(self, post: Post, vacancy: Vacancy) -> dict[str, object]:
        """Return what the relevance rules see in a post (for tuning and explanations)."""
        lang = self._language(post)
        if lang not in self.pipelines:
            return {}
        doc = self.pipelines[lang](post.text)
        match = self._matcher(lang, vacancy).match(doc)
        return {"criteria": len(match.criteria), "signal": match.signal,
                "field": len(match.field_words), "rich": match.rich, "cats": dict(doc.cats),
                "sentences": self._sentence_cats(doc, post.text, lang) if doc.cats else []}

    def _model_objection(self, doc: Doc, lang: str, would_show: bool,
                         text: str = "") -> Verdict | None:
        """Withhold when the model's special-category score reaches its threshold: for a
        post that would be shown, its sentences' scores count too (`shown_score`)."""
        thresholds = self.thresholds.get(lang)
        if thresholds is None or not doc.cats:
            return None
        if not would_show:
            return model_verdict(doc.cats, thresholds[NOT_SHOWN], lang)
        return model_verdict(doc.cats, thresholds[SHOWN], lang,
                             sentences=self._sentence_cats(doc, text, lang))

    def _sentence_cats(self, doc: Doc, text: str, lang: str) -> list[dict[str, float]]:
        """Return the model's label scores for each sentence of a post of several.

        Only the model runs on them, on the post's own tokens: the lexicons have already
        read the whole post, and sentences end at whitespace, where the tokenizer would
        split them the same way again.
        """
        spans = sentences(text)  # the post's text: Doc.text joins every token again
        if len(spans) < 2:
            return []
        bounds = []
        for start, end in spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            bounds.append((span.start, span.end))
        return score_slices(self.pipelines[lang].get_pipe(TEXTCAT), doc, bounds)

    def _matcher(self, lang: str, vacancy: Vacancy) -> VacancyMatcher:
        key = (lang, vacancy.id, vacancy.criteria, vacancy.language)
        matcher = self._matchers.get(key)
        if matcher is None:
            if len(self._matchers) >= MAX_MATCHERS:
                for old in self._matchers.values():
                    old.close()
                self._matchers.clear()
            matcher = self._matchers[key] = VacancyMatcher(self.pipelines[lang], vacancy)
        return matcher


def _not_private(sentence: str) -> bool:
    return not is_private(sentence)


def _thresholds(nlp: Language, given: Mapping[str, float] | None) -> dict[str, float]:
    recorded = given if given is not None else (
        (nlp.meta.get("fairscreen") or {}).get("thresholds") or {})
    defaults = {SHOWN: DEFAULT_SPECIAL_THRESHOLD, NOT_SHOWN: DEFAULT_SPECIAL_THRESHOLD,
                **DEFAULT_RELEVANCE}
    return {key: float(recorded.get(key, default)) for key, default in defaults.items()}


def relevance_thresholds(thresholds: Mapping[str, float]) -> RelevanceThresholds:
    """Return the relevance rules' part of a model's thresholds."""
    return RelevanceThresholds(**{key: thresholds[key] for key in DEFAULT_RELEVANCE})


def _reveals_orientation(doc: Doc, partners: Iterable[tuple[int, str]], author: str) -> bool:
    """A partner of the author's own sex ('my husband' from a man); unknown sex withholds."""
    sexes = []
    for index, partner in partners:
        if partner == "unknown" and index + 1 < len(doc):
            partner = first_names().get(doc[index + 1].lower_, "unknown")
        sexes.append(partner)
    return _of_own_sex(sexes, author)


def _of_own_sex(sexes: Iterable[str], author: str) -> bool:
    """Whether a partner or spouse of one of these sexes is of the author's own sex; an author
    whose sex the handle does not tell is held back, but a partner of unknown sex tells
    nothing."""
    own = None
    for sex in sexes:
        if sex == "unknown":
            continue
        own = own or gender_of_handle(author)
        if own in ("unknown", sex):
            return True
    return False


def special_score(cats: Mapping[str, float]) -> float:
    """Return the score the model layer compares with its threshold: its likeliest category,
    or `special` (any category), whichever is higher."""
    return max(max(cats.get(c, 0.0) for c in CATEGORIES), cats.get(SPECIAL_LABEL, 0.0))


def shown_score(cats: Mapping[str, float], sentences: Sequence[Mapping[str, float]] = ()) -> float:
    """Return the special-category score of a post that would be shown: the post's own, or
    that of its most telling sentence, whichever is higher.

    A sentence tells by its special-category score, discounted by how professional the model
    finds that same sentence. A linear model reads a long work post as a whole, so one
    sentence about the author's medication or a colleague's strike weighs little against
    twenty about the job; scored alone, that sentence stands out, while a sentence that is
    plainly about the work (a chef's allergen rules) does not. Leave-one-vacancy-out
    cross-validation chose this over the post's score alone (trained/CROSSVAL.md): at the
    threshold that withholds every special post of every fold, it shows about three times
    the relevant posts.
    """
    telling = (special_score(s) * (1.0 - s.get(RELEVANT_LABEL, 0.0)) for s in sentences)
    return max(special_score(cats), max(telling, default=0.0))


def model_verdict(
    cats: Mapping[str, float], threshold: float, lang: str | None,
    sentences: Sequence[Mapping[str, float]] = (),
) -> Verdict | None:
    """Return the model layer's withheld verdict for these label scores, or None.

    `sentences`, for a post that would be shown, are its sentences' label scores
    (`shown_score`). The threshold is set for caution, far below what makes a category
    likely: the verdict names only the categories the model finds likely (CONFIDENT), so
    counts shown to the candidate and counsel do not claim a category on a cautious hold;
    `decided_by` names the likeliest label either way, over the post and its sentences.
    """
    if shown_score(cats, sentences) < threshold:
        return None
    scores = {c: max([cats.get(c, 0.0), *(s.get(c, 0.0) for s in sentences)])
              for c in CATEGORIES}
    top = max(scores, key=scores.__getitem__)
    named = sorted(SpecialCategory(c) for c, score in scores.items() if score >= CONFIDENT)
    return Verdict(Outcome.WITHHELD, categories=tuple(named), language=lang,
                   decided_by=f"model:{top}")
