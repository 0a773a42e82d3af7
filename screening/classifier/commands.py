"""CLI commands of this part, added to the `flask screening` group: classify and evaluate."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from flask import current_app

from screening.classifier.classifier import Classifier
from screening.classifier.corpus import CorpusError, Record, read_posts, read_vacancies
from screening.classifier.evaluation import evaluate
from screening.classifier.model import Verdict

EXTENSION = "fairscreen.classifier"


def get_classifier() -> Classifier:
    """Return the app's classifier, built on first use (pipeline names come from config)."""
    classifier = current_app.extensions.get(EXTENSION)
    if classifier is None:
        names = {
            "en": current_app.config.get("NLP_PIPELINE_EN"),
            "nl": current_app.config.get("NLP_PIPELINE_NL"),
        }
        classifier = current_app.extensions[EXTENSION] = Classifier.for_languages(names=names)
    return classifier


def _load(vacancies_path: str, posts_path: str) -> tuple[dict, list[Record]]:
    try:
        vacancies = read_vacancies(Path(vacancies_path))
        return vacancies, read_posts(Path(posts_path), vacancies)
    except CorpusError as error:
        raise click.ClickException(str(error)) from error


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
@click.option("--vacancies", "vacancies_path", required=True, type=click.Path(exists=True))
@click.option("--posts", "posts_path", required=True, type=click.Path(exists=True))
def evaluate_command(vacancies_path: str, posts_path: str) -> None:
    """Print recall per special category, relevant precision/recall, PII leaks, confusion."""
    vacancies, records = _load(vacancies_path, posts_path)
    report = evaluate(records, _classify(vacancies, records))
    for line in report.lines():
        click.echo(line)


def register_commands(group: click.Group) -> None:
    """Add this part's commands to `group`."""
    group.add_command(classify_command)
    group.add_command(evaluate_command)
