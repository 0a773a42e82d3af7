"""The development corpus must meet the issue's quality targets (computed, not timed)."""

from screening.classifier.corpus import read_posts, read_vacancies
from screening.classifier.evaluation import evaluate

from .conftest import CORPUS


def test_development_corpus_meets_targets(classifier):
    vacancies = read_vacancies(CORPUS / "vacancies.json")
    records = read_posts(CORPUS / "posts.jsonl", vacancies)
    verdicts = [classifier.classify(r.post, vacancies[r.vacancy]) for r in records]
    report = evaluate(records, verdicts)
    assert len(report.category_recall) == 9
    assert report.meets_targets(), "\n".join(report.lines())
