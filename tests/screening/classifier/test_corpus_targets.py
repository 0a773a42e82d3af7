"""The shared development corpus against the issue's privacy targets (computed, not timed).

These posts are in the model's training data, so only the targets a trained model cannot
flatter are asserted here: every special-category post withheld, none shown, no PII in an
excerpt, and what is shown relevant. The relevance targets are judged where they mean
something, on held-out vacancies: the cross-validated floors in test_model_build.py.
"""

from screening.classifier.corpus import read_posts, read_vacancies
from screening.classifier.evaluation import evaluate

from .conftest import CORPUS


def test_development_corpus_meets_the_privacy_targets(classifier):
    vacancies = read_vacancies(CORPUS / "vacancies.json")
    records = read_posts(CORPUS / "posts.jsonl", vacancies)
    verdicts = [classifier.classify(r.post, vacancies[r.vacancy]) for r in records]
    report = evaluate(records, verdicts)
    details = "\n".join(report.lines())
    assert len(report.category_recall) == 9
    assert set(report.category_recall.values()) == {1.0}, details
    assert report.special_shown == [], details
    assert report.leaks == [], details
    assert report.relevant_precision >= 0.90, details
    assert report.relevant_recall > 0, details
