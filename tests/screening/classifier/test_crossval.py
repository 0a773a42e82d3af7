"""The cross-validation harness on a small corpus (the first shared one, four vacancies)."""

import fcntl
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from screening.classifier import crossval, training
from screening.classifier.corpus import Record, read_posts, read_vacancies
from screening.classifier.evaluation import HELD_BACK, evaluate, wilson
from screening.classifier.model import Outcome, Post, Verdict

from .conftest import CORPUS


@pytest.fixture(scope="module")
def small():
    vacancies = read_vacancies(CORPUS / "vacancies.json")
    return vacancies, read_posts(CORPUS / "posts.jsonl", vacancies)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, worker_id) -> Path:
    """A folder of this run that every pytest-xdist worker sees (the run's own temporary
    folder when it is not spread over workers)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base if worker_id == "master" else base.parent) / "crossval"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def kept(shared):
    """Where the module's fold models are kept (see test_kept_folds_...)."""
    return shared / "folds"


@pytest.fixture(scope="module")
def scored(small, kept, shared):
    """The small corpus cross-validated once per run: the first worker to need it trains the
    folds (half a minute) and saves what it scored; a worker that needs it too waits for that
    and reads it, instead of training the same folds again."""
    saved = shared / "scored.pickle"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.exists():
            return pickle.loads(saved.read_bytes())
        vacancies, records = small
        trained_on: list[set[str]] = []
        real = crossval.train_models

        def recording(train, *args, **kwargs):
            trained_on.append({r.vacancy for r in train})
            return real(train, *args, **kwargs)

        crossval.train_models = recording
        try:
            result = crossval.cross_validate(vacancies, records, k=99, keep=kept)
        finally:
            crossval.train_models = real
        saved.write_bytes(pickle.dumps((result, trained_on)))
        return result, trained_on


def test_kept_folds_are_reused_while_their_training_is_the_same(small, scored, kept,
                                                                monkeypatch):
    vacancies, records = small
    first, _ = scored

    def untrainable(*args, **kwargs):
        raise AssertionError("a kept fold was trained again")

    monkeypatch.setattr(crossval, "train_models", untrainable)
    lines: list[str] = []
    again = crossval.cross_validate(vacancies, records, k=99, progress=lines.append, keep=kept)
    assert lines == [f"fold {n}/4: kept models reused" for n in range(1, 5)]
    assert [(s.record.post.id, s.cats) for s in again] == [
        (s.record.post.id, s.cats) for s in first]
    # A changed post in a fold's training makes its models stale; a held-out one does not.
    folds = crossval.vacancy_folds(records, 99)
    held = set(folds[0])
    train = [r for r in records if r.vacancy not in held]
    edited = replace(train[0], post=replace(train[0].post, text=train[0].post.text + " (ed.)"))
    changed = [edited, *train[1:]]
    key = crossval.training_key(train, crossval.SEED)
    assert (kept / "1" / crossval.KEPT_STAMP).read_text() == key
    assert crossval.training_key(changed, crossval.SEED) != key
    assert crossval.training_key(train, crossval.SEED + 1) != key


def test_folds_trained_in_parallel_are_the_serial_ones(small, scored, kept, tmp_path):
    """Two processes train the folds of the module's serial run again: each fold's models
    are byte for byte the same, stamped the same, so a kept fold is reused whichever
    process trained it, and the training leaves no temporary files behind; two processes
    score them as one does."""
    vacancies, records = small
    first, _ = scored
    parallel = tmp_path / "folds"
    lines: list[str] = []
    with crossval.trained_folds(records, 99, progress=lines.append, keep=parallel,
                                workers=2) as folds:
        assert [f.models for f in folds] == [
            {lang: parallel / str(n) / lang for lang in training.LANGUAGES}
            for n in range(1, 5)]
    assert sorted(line.split(" without ")[0] for line in lines) == [
        f"fold {n}/4: trained" for n in range(1, 5)]
    assert all(line.endswith("2 at a time)") for line in lines)
    for n in range(1, 5):
        assert (parallel / str(n) / crossval.KEPT_STAMP).read_text() == (
            kept / str(n) / crossval.KEPT_STAMP).read_text()
        for lang in training.LANGUAGES:
            for name in ("config.cfg", "textcat_multilabel/model"):
                assert (parallel / str(n) / lang / name).read_bytes() == (
                    kept / str(n) / lang / name).read_bytes(), (n, lang, name)
    # The model names no temporary corpus it was trained from.
    config = (parallel / "1" / "en" / "config.cfg").read_text()
    assert config.startswith("[paths]\ntrain = null\ndev = null\n")
    assert not list(parallel.glob(".*"))  # no staging folder left
    # Scored in two processes, two folds each: the same scores and verdicts, in the same order.
    again = crossval.cross_validate(vacancies, records, k=99, keep=parallel, workers=2)
    assert [(s.fold, s.record.post.id, s.cats, s.base) for s in again] == [
        (s.fold, s.record.post.id, s.cats, s.base) for s in first]


def test_folds_hold_out_whole_vacancies(small):
    _, records = small
    folds = crossval.vacancy_folds(records, 2)
    assert len(folds) == 2
    assert sorted(v for fold in folds for v in fold) == sorted({r.vacancy for r in records})
    assert len(crossval.vacancy_folds(records, 99)) == 4  # one vacancy a fold at most


def test_each_post_is_scored_once_by_a_model_that_never_saw_its_vacancy(small, scored):
    _, records = small
    result, trained_on = scored
    assert sorted(s.record.post.id for s in result) == sorted(r.post.id for r in records)
    assert len(trained_on) == 4
    for fold, seen in enumerate(trained_on, start=1):
        held = {s.record.vacancy for s in result if s.fold == fold}
        assert len(held) == 1 and not held & seen


def test_the_strictest_thresholds_withhold_every_special_post(scored):
    result, _ = scored
    thresholds = crossval.strictest_thresholds(result)
    per_fold, pooled = crossval.reports(result, thresholds)
    assert len(per_fold) == 4
    assert set(pooled.category_recall.values()) == {1.0}
    assert pooled.special_shown == []
    for s in result:
        if s.record.gold["categories"]:
            assert s.verdict(thresholds).verdict in HELD_BACK


def test_a_laxer_threshold_costs_recall_and_the_report_adds_up(scored):
    result, _ = scored
    never = {"shown": crossval.NEVER, "not_shown": crossval.NEVER}
    per_fold, pooled = crossval.reports(result, never)
    assert sum(r.relevant_support for r in per_fold) == pooled.relevant_support == 56
    assert sum(pooled.confusion.values()) == len(result)
    # Every post the model layer withholds is decided by it, and only held back; one a
    # relevance rule would have shown says which rule that was.
    strict = crossval.strictest_thresholds(result)
    for s in result:
        if s.verdict(strict) != s.verdict(never):
            assert s.verdict(strict).decided_by.startswith("model:")
            assert s.verdict(strict).shown_by == (s.base.decided_by if s.would_show else "")
    # What kept the relevant posts back adds up to every relevant post not shown.
    _, strict_pooled = crossval.reports(result, strict)
    assert sum(strict_pooled.missed.values()) == (
        strict_pooled.relevant_support - strict_pooled.confusion[("relevant", "relevant")])
    assert strict_pooled.missed["model layer, after a relevance rule matched"] == sum(
        1 for s in result if s.record.gold["verdict"] == "relevant" and s.would_show
        and s.verdict(strict).decided_by.startswith("model:"))


def test_wilson_interval():
    low, high = wilson(10, 10)
    assert round(low, 4) == 0.7225 and round(high, 9) == 1.0
    low, high = wilson(0, 10)
    assert low == 0.0 and round(high, 4) == 0.2775
    assert wilson(0, 0) == (0.0, 1.0)


def test_evaluate_with_folds_prints_each_fold_and_the_pooled_figures(runner, tmp_path):
    result = runner.invoke(args=[
        "screening", "evaluate", "--vacancies", str(CORPUS / "vacancies.json"),
        "--posts", str(CORPUS / "posts.jsonl"), "--folds", "2",
    ])
    assert result.exit_code == 0, result.output
    assert result.output.count("== fold ") == 2
    for heading in ("== pooled over 2 folds", "special posts shown to the recruiter",
                    "false withholds:", "relevant precision", "PII leaked into excerpts",
                    "thresholds that withhold every special post", "[", "decided by"):
        assert heading in result.output


def test_evaluate_pairs_several_corpora(runner):
    shared = CORPUS.parent
    result = runner.invoke(args=[
        "screening", "evaluate",
        "--vacancies", str(CORPUS / "vacancies.json"), "--posts", str(CORPUS / "posts.jsonl"),
        "--vacancies", str(shared / "corpus-v2" / "vacancies.json"),
        "--posts", str(shared / "corpus-v2" / "posts.jsonl"),
    ])
    assert result.exit_code == 0, result.output
    assert "(n=" in result.output
    bad = runner.invoke(args=[
        "screening", "evaluate", "--vacancies", str(CORPUS / "vacancies.json"),
        "--vacancies", str(CORPUS / "vacancies.json"),
        "--posts", str(CORPUS / "posts.jsonl"),
    ])
    assert bad.exit_code != 0
    assert "one --vacancies file" in bad.output


def test_training_targets_follow_the_labels(small):
    _, records = small
    withheld = next(r for r in records if r.gold["verdict"] == "withheld")
    cats = training.cats_of(withheld)
    assert cats["special"] == 1.0 and cats["relevant"] == 0.0
    assert {k for k, v in cats.items() if v and k != "special"} == set(
        withheld.gold["categories"])


def _held_out(fold: int, post_id: str, gold: dict, score: float) -> crossval.Scored:
    """A post that every layer but the model would show, with this special-category score."""
    record = Record(Post("text", id=post_id), f"vacancy-{fold}", gold)
    shown = Verdict(Outcome.RELEVANT, language="en", decided_by="relevance:criteria")
    return crossval.Scored(record, fold, shown, {"special": score}, {})


def test_a_relevant_post_not_shown_is_put_down_to_what_kept_it_back():
    relevant = {"verdict": "relevant", "categories": []}
    verdicts = [
        Verdict(Outcome.WITHHELD, decided_by="lexicon:health"),
        Verdict(Outcome.WITHHELD, decided_by="model:health", shown_by="relevance:field"),
        # The stricter objection to posts no rule matched names the model; relevance kept
        # the post back, and the report says so.
        Verdict(Outcome.WITHHELD, decided_by="model:criminal"),
        Verdict(Outcome.IRRELEVANT, decided_by="relevance:none"),
        Verdict(Outcome.IRRELEVANT, decided_by="personal:private_life"),
        Verdict(Outcome.NOT_ASSESSED, decided_by="language:fr"),
        Verdict(Outcome.RELEVANT, decided_by="relevance:criteria", excerpt="Python"),
    ]
    records = [Record(Post("text", id=f"p{n}"), "v", relevant) for n in range(len(verdicts))]
    report = evaluate(records, verdicts)
    assert dict(report.missed) == {
        "lexicons": 1, "model layer, after a relevance rule matched": 1,
        "no relevance rule matched": 2, "personal-disclosure gate": 1,
        "language not assessed": 1}
    lines = report.lines()
    assert lines.index("relevant posts not shown, by what kept them back:") < lines.index(
        next(line for line in lines if line.startswith("confusion matrix")))


def test_the_nested_estimate_judges_each_fold_at_the_other_folds_thresholds():
    special = {"verdict": "withheld", "categories": ["health"]}
    relevant = {"verdict": "relevant", "categories": []}
    result = [
        _held_out(1, "s1", special, 0.50), _held_out(1, "r1", relevant, 0.30),
        _held_out(2, "s2", special, 0.20), _held_out(2, "r2", relevant, 0.10),
        _held_out(3, "s3", special, 0.60), _held_out(3, "r3", relevant, 0.40),
    ]
    thresholds = crossval.strictest_thresholds(result)
    assert thresholds["shown"] == pytest.approx(0.18)  # set by fold 2's special post
    _, pooled = crossval.reports(result, thresholds)
    assert pooled.special_shown == []
    nested = crossval.nested_report(result, thresholds)
    # Fold 2 is judged at 0.45, set by the other folds' worst special post (0.50): its own
    # special post shows. Folds 1 and 3 are judged at 0.18, which withholds r1 and r3.
    assert nested.special_shown == ["s2"]
    assert nested.relevant_support == 3 and nested.false_withholds == 2


def _signalled(number: int, text: str, gold: dict, special: float) -> crossval.Scored:
    record = Record(Post(text, author="me", id=str(number)), "v", gold)
    return crossval.Scored(record, 1, Verdict(Outcome.IRRELEVANT, language="en"),
                           {"special": special, "relevant": 0.9},
                           {"criteria": 0, "signal": True, "field": 0, "sentences": []})


@pytest.mark.parametrize(("text", "switched_on"), [
    ("Mr Peeters (81) brought back a bag of his old insulin pens today.", True),
    ("Mr Peeters brought back a bag of his old insulin pens today.", False),
])
def test_a_post_naming_someone_with_their_age_sets_no_relevance_threshold(text, switched_on):
    """The gate never shows such a post, so its low special score must not close a rule."""
    scored = [_signalled(n, "Deployed the nightly loads and wrote the runbook.",
                        {"verdict": "relevant"}, 0.1) for n in range(9)]
    scored.append(_signalled(9, text, {"verdict": "withheld", "categories": ["health"]}, 0.05))
    chosen = crossval.choose_relevance(scored)
    # Only the professional-activity rule (or the score alone) can show these posts.
    assert (min(chosen["signal"], chosen["model"]) < crossval.NEVER) is switched_on
