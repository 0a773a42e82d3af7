"""The screening classifier: withheld / relevant / irrelevant per post, in Dutch and English.

Public API (no Flask, no database)::

    from screening.classifier import Classifier, Post, Vacancy

    classifier = Classifier.for_languages(("en", "nl"), names={"nl": None})  # build once
    verdict = classifier.classify(Post(text, author="handle", lang="nl"), vacancy)
    verdicts = classifier.classify_many(posts, vacancy)  # nlp.pipe per language, in order

`Post(text, author, lang, published, is_own, id)`: `author` is the candidate's own handle
(never redacted), `lang` a hint, `is_own=False` for reposts and quotes, which are left out
(verdict irrelevant, nothing matched). `Vacancy(id, criteria, language, title, description)`.
`Verdict(verdict, categories, matched, excerpt, language, decided_by)`: `verdict` is an
`Outcome`; a withheld verdict carries only its `SpecialCategory` values (for the audit
counts), no matched terms and no excerpt; a relevant one carries the matched criteria (or the
field's words) and the redacted excerpt (at most 400 characters, only matching sentences);
`not_assessed` is a post in a language without a pipeline. `decided_by` names the layer and
rule (`lexicon:health`, `model:criminal`, `relevance:criteria`, `personal:private_life`,
`language:fr`). `names` may name another spaCy pipeline (package or path) per language;
`None` loads the project's trained model (`trained/<lang>`), or the blank pipeline with the
project's components when none was built.

Modules: `pipeline` (building/loading), `lemmatizer` and `special` (spaCy components,
with `context` for the personal/professional rules and `newwords` for words seen once),
`textcat` (the trained layer's architecture), `training`, `crossval` and `build` (the model
as a build artefact, `make model`), `personal` (the personal-disclosure gate), `lexicon`
(data files in `lexicons/`, documented in `lexicons/README.md`), `relevance`, `excerpt`,
`redaction`, `names`, `language`, `corpus`, `corpus_stats` and `evaluation` (corpus format
and metrics), `commands` (the `flask screening classify|evaluate` CLI adapter and the
app's `get_classifier`, the only module that imports Flask).

A Classifier keeps per-vocabulary state (learned compound words, vacancy matchers): build
one per process, once, and reuse it (its threads share it: one memory zone at a time);
`Classifier.shared(names)` keeps one per process and set of pipelines, which screening runs
and `flask screening ...` use.

A screening run converts a connector's post with
`Post(text=p.text, author=p.account, lang=p.lang, published=..., is_own=p.is_own)`.
"""

from screening.classifier.classifier import Classifier
from screening.classifier.model import Outcome, Post, SpecialCategory, Vacancy, Verdict

__all__ = ["Classifier", "Outcome", "Post", "SpecialCategory", "Vacancy", "Verdict"]
