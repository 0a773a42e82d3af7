"""The held-out set (screening/classifier/heldout/, never trained or tuned on): a change may
not show more of its special posts than the model it replaces (see its README)."""

from pathlib import Path

from screening.classifier.corpus import read_posts, read_vacancies
from screening.classifier.evaluation import evaluate

HELDOUT = Path(__file__).resolve().parents[3] / "screening" / "classifier" / "heldout"
# The second held-out set (rh-..rk-, 2026-12-07). The 82-vacancy model showed rj-0010,
# rk-0008 and rk-0039; the 90-vacancy model that joined the first set to the corpus shows
# rj-0010, rk-0008 and rk-0030. Nobody has read them. Lower it when a change withholds one;
# never raise it.
MOST_SPECIAL_SHOWN = 3


def test_no_change_shows_more_of_the_held_out_special_posts(classifier):
    vacancies = read_vacancies(HELDOUT / "vacancies.json")
    records = read_posts(HELDOUT / "posts.jsonl", vacancies)
    assert len(records) == 400 and len(vacancies) == 4
    report = evaluate(records, [classifier.classify(r.post, vacancies[r.vacancy])
                                for r in records])
    details = "\n".join(report.lines())
    assert len(report.special_shown) <= MOST_SPECIAL_SHOWN, details
    assert report.leaks == [], details
