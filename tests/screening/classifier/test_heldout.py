"""The held-out set (screening/classifier/heldout/, never trained or tuned on): a change may
not show more of its special posts than the model it replaces (see its README)."""

from pathlib import Path

from screening.classifier.corpus import read_posts, read_vacancies
from screening.classifier.evaluation import evaluate

HELDOUT = Path(__file__).resolve().parents[3] / "screening" / "classifier" / "heldout"
# Measured with the model of 846e6d2: qg-0083, qi-0012, qi-0033; then qi-0033 withheld by a
# rule written from another set's miss of the same kind (see the set's README). Lower it
# when a change withholds one of them; never raise it. The 82-vacancy model showed qi-0072
# too, withheld since by the English twin of a Dutch electoral-list rule, written after it was
# read: four of the set's misses are read now, and it should be replaced (see its README).
MOST_SPECIAL_SHOWN = 2


def test_no_change_shows_more_of_the_held_out_special_posts(classifier):
    vacancies = read_vacancies(HELDOUT / "vacancies.json")
    records = read_posts(HELDOUT / "posts.jsonl", vacancies)
    assert len(records) == 400 and len(vacancies) == 4
    report = evaluate(records, [classifier.classify(r.post, vacancies[r.vacancy])
                                for r in records])
    details = "\n".join(report.lines())
    assert len(report.special_shown) <= MOST_SPECIAL_SHOWN, details
    assert report.leaks == [], details
