"""CLI commands of this part, added to the `flask screening` group: classify and evaluate."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from flask import current_app

from screening.classifier.classifier import (
    DEFAULT_RELEVANCE,
    DEFAULT_SPECIAL_THRESHOLD,
    NOT_SHOWN,
    SHOWN,
    Classifier,
)
from screening.classifier.corpus import CorpusError, Record, read_posts, read_vacancies
from screening.classifier.evaluation import evaluate
from screening.classifier.model import Verdict


def get_classifier() -> Classifier:
    """Return the classifier for the app's pipelines (config), built once per process."""
    return Classifier.shared({"en": current_app.config.get("NLP_PIPELINE_EN"),
                              "nl": current_app.config.get("NLP_PIPELINE_NL")})


def _load(vacancies_path: str, posts_path: str) -> tuple[dict, list[Record]]:
    return _load_many((vacancies_path,), (posts_path,))


def _load_many(vacancies_paths, posts_paths) -> tuple[dict, list[Record]]:
    """Read posts files, each against its vacancies file (or the one given for all)."""
    if len(vacancies_paths) not in (1, len(posts_paths)):
        raise click.UsageError("give one --vacancies file, or one for each --posts file")
    vacancies: dict = {}
    records: list[Record] = []
    try:
        for i, posts_path in enumerate(posts_paths):
            these = read_vacancies(Path(vacancies_paths[min(i, len(vacancies_paths) - 1)]))
            vacancies.update(these)
            records.extend(read_posts(Path(posts_path), these))
    except CorpusError as error:
        raise click.ClickException(str(error)) from error
    return vacancies, records


def _classify(vacancies: dict, records: list[Record]) -> list[Verdict]:
    """Classify records grouped by vacancy, keeping their order."""
    classifier = get_classifier()
    verdicts: list[Verdict | None] = [None] * len(records)
    by_vacancy: dict[str, list[int]] = {}
    for i, record in enumerate(records):
        by_vacancy.setdefault(record.vacancy, []).append(i)
    for vacancy_id, indexes in by_vacancy.items():
        posts = [records[i].post for i in indexes]
        results = classifier.classify_many(posts, vacancies[vacancy_id])
        for i, verdict in zip(indexes, results, strict=True):
            verdicts[i] = verdict
    return verdicts  # type: ignore[return-value]


def _write_atomically(path: Path, lines: list[str]) -> None:
    """Write to a temporary file beside `path` and rename it: no partial output on failure."""
    handle, temp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in lines)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@click.command("classify")
@click.option("--vacancies", "vacancies_path", required=True, type=click.Path(exists=True))
@click.option("--posts", "posts_path", required=True, type=click.Path(exists=True))
@click.option("--output", type=click.Path(dir_okay=False), help="JSONL file; stdout if absent.")
def classify_command(vacancies_path: str, posts_path: str, output: str | None) -> None:
    """Classify posts against their vacancies; one JSON line per post."""
    vacancies, records = _load(vacancies_path, posts_path)
    verdicts = _classify(vacancies, records)
    lines = [
        json.dumps(v.to_json(r.post.id), ensure_ascii=False)
        for r, v in zip(records, verdicts, strict=True)
    ]
    if output:
        _write_atomically(Path(output), lines)
    else:
        for line in lines:
            click.echo(line)


@click.command("evaluate")
@click.option("--vacancies", "vacancies_paths", required=True, multiple=True,
              type=click.Path(exists=True), help="Repeat to pair one with each --posts.")
@click.option("--posts", "posts_paths", required=True, multiple=True,
              type=click.Path(exists=True), help="Repeat to evaluate several corpora as one.")
@click.option("--folds", type=click.IntRange(min=2), default=None,
              help="Leave-one-vacancy-out cross-validation: train the model layer on the "
                   "other vacancies' posts, test on the held-out ones; K groups of vacancies "
                   "(one each when K is at least the number of vacancies).")
def evaluate_command(vacancies_paths, posts_paths, folds: int | None) -> None:
    """Print recall per category with Wilson intervals, special posts shown, false
    withholds, relevant precision/recall, PII leaks, confusion and deciding rules."""
    vacancies, records = _load_many(vacancies_paths, posts_paths)
    if folds is None:
        report = evaluate(records, _classify(vacancies, records))
        for line in report.lines():
            click.echo(line)
        return
    from screening.classifier.crossval import cross_validate, reports, strictest_thresholds

    # The model in use's thresholds, applied to the folds' models.
    thresholds = next(iter(get_classifier().thresholds.values()), None) or {
        SHOWN: DEFAULT_SPECIAL_THRESHOLD, NOT_SHOWN: DEFAULT_SPECIAL_THRESHOLD,
        **DEFAULT_RELEVANCE}
    relevance = {key: thresholds[key] for key in DEFAULT_RELEVANCE}
    scored = cross_validate(vacancies, records, folds, relevance=relevance,
                            progress=lambda line: click.echo(line, err=True))
    per_fold, pooled = reports(scored, thresholds)
    for number, report in enumerate(per_fold, start=1):
        held = sorted({s.record.vacancy for s in scored if s.fold == number})
        click.echo(f"== fold {number}: {', '.join(held)}")
        for line in report.lines(details=False):
            click.echo(line)
    click.echo(f"== pooled over {len(per_fold)} folds (the model's thresholds: {thresholds})")
    for line in pooled.lines():
        click.echo(line)
    strictest = strictest_thresholds(scored)
    _, cost = reports(scored, strictest)
    click.echo(f"thresholds that withhold every special post of every fold here: {strictest}; "
               f"false withholds at them: {cost.false_withholds} of {cost.relevant_support} "
               f"relevant posts ({cost.false_withhold_rate:.1%})")


def register_commands(group: click.Group) -> None:
    """Add this part's commands to `group`."""
    group.add_command(classify_command)
    group.add_command(evaluate_command)
