"""Leave-one-vacancy-out cross-validation, and the model layer's threshold it sets.

Each fold holds out whole vacancies (one each when there are at least as many folds as
vacancies), trains the models on the others' posts and classifies the held-out posts, so
every figure is measured on posts whose vacancy, profession and writers the model never saw.
The model layer's verdict is kept apart from the rest, as a score: the threshold is chosen
afterwards, as the highest one that still withholds every special-category post of every
fold, and applying it costs no second pass.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import cached_property
from multiprocessing import get_context
from pathlib import Path

import spacy
import thinc

from screening.classifier import textcat, training
from screening.classifier.classifier import (
    DEFAULT_RELEVANCE,
    NOT_SHOWN,
    RELEVANT_LABEL,
    SHOWN,
    Classifier,
    model_verdict,
    shown_score,
    special_score,
)
from screening.classifier.corpus import Record
from screening.classifier.evaluation import HELD_BACK, Report, evaluate
from screening.classifier.model import Outcome, Vacancy, Verdict
from screening.classifier.personal import names_someone_with_age
from screening.classifier.pipeline import load_pipeline
from screening.classifier.relevance import CriteriaMatch, RelevanceThresholds, relevance_rule
from screening.classifier.training import CONFIG, LANGUAGES, SEED, train_models

# Below the lowest special-category score that must be withheld, by this factor: the next
# unseen post is not the training folds' worst case.
MARGIN = 0.9
NEVER = 1.01  # a threshold no score reaches: the model layer objects to nothing


@dataclass(frozen=True)
class Scored:
    """One held-out post: the verdict of every layer but the model, and the model's scores."""

    record: Record
    fold: int
    base: Verdict
    cats: dict[str, float]
    features: dict[str, object]

    @property
    def would_show(self) -> bool:
        return self.base.verdict is Outcome.RELEVANT

    @property
    def sentences(self) -> list[dict[str, float]]:
        return list(self.features.get("sentences") or ())

    @property
    def score(self) -> float:
        """The special-category score the model layer compares with its threshold: for a
        post that would be shown, its sentences' count too (`shown_score`)."""
        return self.score_if_shown if self.would_show else special_score(self.cats)

    @cached_property
    def score_if_shown(self) -> float:
        return shown_score(self.cats, self.sentences)

    def verdict(self, thresholds: dict[str, float]) -> Verdict:
        """Return the classifier's verdict with the model layer at these thresholds."""
        if self.base.verdict in HELD_BACK:
            return self.base
        if not self.would_show:
            return model_verdict(self.cats, thresholds[NOT_SHOWN], self.base.language) \
                or self.base
        objection = model_verdict(self.cats, thresholds[SHOWN], self.base.language,
                                  sentences=self.sentences)
        return replace(objection, shown_by=self.base.decided_by) if objection else self.base


def vacancy_folds(records: Sequence[Record], k: int) -> list[list[str]]:
    """Split the vacancies into `k` groups, in sorted order, round robin."""
    vacancies = sorted({r.vacancy for r in records})
    k = max(2, min(k, len(vacancies)))
    return [vacancies[i::k] for i in range(k)]


@dataclass(frozen=True)
class Fold:
    """One fold: the vacancies it holds out and the models trained without them."""

    number: int
    held_out: tuple[str, ...]
    models: dict[str, Path]


@contextmanager
def trained_folds(
    records: Sequence[Record], k: int, seed: int = SEED,
    progress: Callable[[str], None] = lambda line: None, keep: Path | None = None,
    workers: int = 1,
) -> Iterator[list[Fold]]:
    """Train each fold's models on the other vacancies' posts; they live until the exit.

    With `keep`, they are trained into that folder and stay there, and a fold whose models
    were trained on exactly the same posts, config, code and seed is reused: the lexicons
    and rules do not enter training, so a change to them is measured again in minutes.
    With `workers` above one, that many processes train folds at once; each fold's training
    is seeded, so its models are the same whichever process trained them.
    """
    folds = vacancy_folds(records, k)
    with (nullcontext(keep) if keep is not None
          else tempfile.TemporaryDirectory(prefix="fairscreen-folds-")) as folder:
        trained, todo = [], []
        for number, held_out in enumerate(folds, start=1):
            output = Path(folder) / str(number)
            held = set(held_out)
            key = (training_key([r for r in records if r.vacancy not in held], seed)
                   if keep is not None else None)
            if key is not None and _kept(output, key):
                progress(f"fold {number}/{len(folds)}: kept models reused")
            else:
                todo.append((number, tuple(held_out), output, key))
            trained.append(Fold(number, tuple(held_out),
                                {lang: output / lang for lang in LANGUAGES}))
        _train_folds(todo, records, seed, len(folds), progress, workers)
        yield trained


def _train_folds(todo: list[tuple[int, tuple[str, ...], Path, str | None]],
                 records: Sequence[Record], seed: int, total: int,
                 progress: Callable[[str], None], workers: int) -> None:
    """Train the folds in `todo` (number, held-out vacancies, output, training key)."""
    if workers <= 1 or len(todo) <= 1:
        for number, held_out, output, key in todo:
            progress(f"fold {number}/{total}: training without {', '.join(held_out)}")
            _train_fold(records, held_out, output, seed, key)
        return
    workers = min(workers, len(todo))
    with _pool(workers, records) as pool:
        running = {pool.submit(_train_fold_in_worker, held_out, output, seed, key):
                   (number, held_out) for number, held_out, output, key in todo}
        try:
            for done, future in enumerate(as_completed(running), start=1):
                future.result()
                number, held_out = running[future]
                progress(f"fold {number}/{total}: trained without {', '.join(held_out)} "
                         f"({done} of {len(todo)}, {workers} at a time)")
        except BaseException:
            # A worker's error, or ^C: the folds not started are not trained either.
            pool.shutdown(cancel_futures=True)
            raise


def _train_fold(records: Sequence[Record], held_out: Sequence[str], output: Path, seed: int,
                key: str | None) -> None:
    """Train one fold into a folder beside `output`, stamp it, then put it in its place: a
    build stopped midway leaves no half-trained fold where a kept one would be looked for."""
    held = set(held_out)
    staging = output.with_name(f".{output.name}.training")
    shutil.rmtree(staging, ignore_errors=True)
    train_models([r for r in records if r.vacancy not in held], staging, seed=seed)
    if key is not None:
        (staging / KEPT_STAMP).write_text(key, encoding="utf-8")
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)


def _pool(workers: int, records: Sequence[Record],
          vacancies: dict[str, Vacancy] | None = None) -> ProcessPoolExecutor:
    """Return a pool of worker processes that have each received the records once.

    Spawned, not forked: a fork copies whatever threads and locks the parent's numerical
    libraries hold."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                               initializer=_receive, initargs=(records, vacancies or {}))


# What a worker process was given (see `_pool`).
_WORKER_RECORDS: Sequence[Record] = ()
_WORKER_VACANCIES: dict[str, Vacancy] = {}


def _receive(records: Sequence[Record], vacancies: dict[str, Vacancy]) -> None:
    global _WORKER_RECORDS, _WORKER_VACANCIES
    _WORKER_RECORDS, _WORKER_VACANCIES = records, vacancies


def _train_fold_in_worker(held_out: Sequence[str], output: Path, seed: int,
                          key: str | None) -> None:
    _train_fold(_WORKER_RECORDS, held_out, output, seed, key)


def _score_in_worker(folds: Sequence[Fold], relevance: dict[str, float] | None) -> list[Scored]:
    return score_folds(folds, _WORKER_VACANCIES, _WORKER_RECORDS, relevance)


def build_workers() -> int:
    """Return how many processes a build trains folds with: one per CPU this process may
    use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


# A kept fold's record of what its models were trained on (see training_key).
KEPT_STAMP = "trained-on.sha256"


def training_key(train: Sequence[Record], seed: int) -> str:
    """Return the SHA-256 of everything a fold's training reads: its posts and their labels,
    the config, the training and model code, the seed, and the spaCy and Thinc versions."""
    digest = hashlib.sha256(f"{seed} {spacy.__version__} {thinc.__version__}".encode())
    for path in (CONFIG, Path(textcat.__file__), Path(training.__file__)):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for r in train:
        digest.update(json.dumps([repr(r.post), r.vacancy, r.gold], sort_keys=True,
                                 ensure_ascii=False).encode())
    return digest.hexdigest()


def _kept(output: Path, key: str) -> bool:
    stamp = output / KEPT_STAMP
    return (stamp.is_file() and stamp.read_text(encoding="utf-8") == key
            and all((output / lang / "meta.json").is_file() for lang in LANGUAGES))


def score_folds(
    folds: Sequence[Fold], vacancies: dict[str, Vacancy], records: Sequence[Record],
    relevance: dict[str, float] | None = None, workers: int = 1,
) -> list[Scored]:
    """Classify each fold's held-out posts with its models, the model's objection set aside
    (with `workers` above one, that many processes score a share of the folds each)."""
    if workers > 1 and len(folds) > 1:
        workers = min(workers, len(folds))
        with _pool(workers, records, vacancies) as pool:
            shares = pool.map(_score_in_worker, [folds[i::workers] for i in range(workers)],
                              [relevance] * workers)
            scored = [s for share in shares for s in share]
        order = {fold.number: i for i, fold in enumerate(folds)}
        return sorted(scored, key=lambda s: order[s.fold])  # stable: each fold's own order
    scored: list[Scored] = []
    for fold in folds:
        classifier = Classifier(
            {lang: load_pipeline(lang, fold.models[lang]) for lang in LANGUAGES},
            thresholds={SHOWN: NEVER, NOT_SHOWN: NEVER, **(relevance or DEFAULT_RELEVANCE)},
        )
        held = set(fold.held_out)
        scored.extend(_score(classifier, vacancies, [r for r in records if r.vacancy in held],
                             fold.number))
    return scored


def cross_validate(
    vacancies: dict[str, Vacancy], records: Sequence[Record], k: int, seed: int = SEED,
    progress: Callable[[str], None] = lambda line: None,
    relevance: dict[str, float] | None = None, keep: Path | None = None, workers: int = 1,
) -> list[Scored]:
    """Train and classify per fold; return every post scored by the model of its fold."""
    with trained_folds(records, k, seed, progress, keep, workers) as folds:
        return score_folds(folds, vacancies, records, relevance, workers)


def _score(classifier: Classifier, vacancies: dict[str, Vacancy], test: Sequence[Record],
           fold: int) -> list[Scored]:
    out = []
    for vacancy_id in sorted({r.vacancy for r in test}):
        these = [r for r in test if r.vacancy == vacancy_id]
        posts = [r.post for r in these]
        verdicts = classifier.classify_many(posts, vacancies[vacancy_id])
        for record, verdict in zip(these, verdicts, strict=True):
            explained = classifier.explain(record.post, vacancies[vacancy_id])
            out.append(Scored(record, fold, verdict, explained.pop("cats", {}), explained))
    return out


def strictest_thresholds(scored: Sequence[Scored]) -> dict[str, float]:
    """Return the thresholds that withhold every special post the other layers let through.

    One for posts that would be shown and one for the rest: withholding a post that would
    not be shown anyway costs the recruiter nothing, so the second may be lower.
    """
    thresholds = {}
    for key, would_show in ((SHOWN, True), (NOT_SHOWN, False)):
        missed = [
            s.score for s in scored
            if (s.record.gold or {}).get("categories") and s.base.verdict not in HELD_BACK
            and s.would_show is would_show
        ]
        thresholds[key] = round(min(missed) * MARGIN, 6) if missed else 0.5
    return thresholds


# The relevance rules' model thresholds tried by `choose_relevance`.
FLOORS = (0.0, 0.05, 0.1, 0.2)
WITH_CRITERION = (0.1, 0.2, 0.3, 0.5, NEVER)
WITHOUT = (0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, NEVER)
# ... and for the rules that name no criterion and no field word (signal <= model: a post
# with a professional-activity word never needs a higher score than one without).
SIGNAL = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, NEVER)
MODEL = (0.5, 0.6, 0.7, 0.8, 0.9, NEVER)
# ... and for rich field evidence (tried only below `without`: above it, it changes nothing).
RICH = (0.2, 0.3, 0.4, NEVER)
# The relevant precision the rules must keep on held-out vacancies.
MIN_PRECISION = 0.90


def choose_relevance(scored: Sequence[Scored]) -> dict[str, float]:
    """Return the relevance thresholds that show the most relevant posts on held-out vacancies.

    Each setting is judged as it would run: the posts it would show, then the model layer's
    strictest threshold for them (every special post among them withheld), then relevant
    precision (at least MIN_PRECISION) and recall. Uses each post's recorded evidence, so it
    costs no classification. A post that names someone with their age is never shown, by any
    rule (the personal-disclosure gate), so it is left out here as the second pass leaves it
    out of the threshold: counted in, one such post could set every setting's threshold. The
    gate's other test (no sentence about private life in the excerpt) depends on the rule's
    evidence and is left to the second pass.
    """
    relevant = sum(1 for s in scored if (s.record.gold or {}).get("verdict") == "relevant")
    candidates = [(s, _evidence(s)) for s in scored
                  if s.base.verdict not in HELD_BACK and s.features
                  and not names_someone_with_age(s.record.post.text)]
    best: tuple[float, float, dict[str, float]] | None = None
    for floor, with_criterion, without, signal, model, rich in itertools.product(
            FLOORS, WITH_CRITERION, WITHOUT, SIGNAL, MODEL, RICH):
        if model < signal or (rich >= without and rich != NEVER):
            continue
        setting = RelevanceThresholds(floor, with_criterion, without, signal, model, rich)
        would_show = [s for s, evidence in candidates
                      if relevance_rule(evidence, s.cats.get(RELEVANT_LABEL), setting)]
        special = [s.score_if_shown for s in would_show
                   if (s.record.gold or {}).get("categories")]
        threshold = min(special) * MARGIN if special else 0.5
        shown = [s for s in would_show if s.score_if_shown < threshold]
        hits = sum(1 for s in shown if s.record.gold.get("verdict") == "relevant")
        precision = hits / len(shown) if shown else 0.0
        recall = hits / relevant if relevant else 0.0
        if precision >= MIN_PRECISION and (best is None or (recall, -floor) > best[:2]):
            best = (recall, -floor, {"floor": floor, "with_criterion": with_criterion,
                                     "without": without, "signal": signal, "model": model,
                                     "rich": rich})
    return best[2] if best else dict(DEFAULT_RELEVANCE)


def _evidence(scored: Scored) -> CriteriaMatch:
    f = scored.features
    signal = bool(f.get("signal"))
    rich = bool(f.get("rich"))
    fields = [(str(n), 0, 0) for n in range(int(f.get("field", 0)))]
    signals = [(str(n), 0, 0) for n in range(2 if rich else int(signal))]
    return CriteriaMatch(list(range(int(f.get("criteria", 0)))), signal, [], fields, signals)


def nested_report(scored: Sequence[Scored], thresholds: dict[str, float]) -> Report:
    """Return the pooled report with each fold judged at thresholds it did not help set.

    The model layer's thresholds are set by the worst special post of every fold, the held-out
    one included; here each fold's are set from the other folds only, as they would be for a
    vacancy nobody has seen, so the special posts it shows estimate what an unseen set would
    show. The relevance rules' thresholds (`thresholds`) stay as given.
    """
    pooled = Report()
    for fold in sorted({s.fold for s in scored}):
        these = [s for s in scored if s.fold == fold]
        own = {**thresholds, **strictest_thresholds([s for s in scored if s.fold != fold])}
        pooled = pooled + evaluate([s.record for s in these], [s.verdict(own) for s in these])
    return pooled


def reports(
    scored: Sequence[Scored], thresholds: dict[str, float]
) -> tuple[list[Report], Report]:
    """Return the report of each fold and the pooled one, with the model layer at `thresholds`."""
    per_fold: dict[int, Report] = {}
    for fold in sorted({s.fold for s in scored}):
        these = [s for s in scored if s.fold == fold]
        per_fold[fold] = evaluate([s.record for s in these],
                                  [s.verdict(thresholds) for s in these])
    pooled = Report()
    for report in per_fold.values():
        pooled = pooled + report
    return list(per_fold.values()), pooled
