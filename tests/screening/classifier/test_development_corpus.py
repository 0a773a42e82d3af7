"""The development corpus covers what the classifier must learn (the issue's minimums)."""

from screening.classifier.classifier import MAX_MATCHERS
from screening.classifier.corpus_stats import stats
from screening.classifier.model import SpecialCategory
from screening.classifier.training import LANGUAGES, corpus_files, load_corpus


def test_the_development_corpus_holds_enough_of_every_hard_case():
    vacancies, records = load_corpus()
    figures = stats(vacancies, records)
    assert figures.posts >= 2000 and figures.vacancies >= 16
    assert {"nl", "en"} <= set(figures.languages)
    for category in SpecialCategory:
        posts = figures.categories[category.value]
        assert posts >= 80, category
        assert figures.implicit[category.value] * 2 >= 80, category  # marked implicit alone
    assert figures.sensitive_topic >= 200
    assert figures.relevant_without_criteria >= 200
    assert figures.third_party >= 100
    assert len(figures.pii_forms) >= 6  # names, tussenvoegsels, initials, handles, ...


def test_the_shared_corpora_are_read_where_they_are():
    shared = [pair for pair in corpus_files() if "shared" in str(pair[1])]
    assert len(shared) == 2 and all(path.is_file() for pair in shared for path in pair)


def test_a_classifier_keeps_a_matcher_for_every_vacancy_twice_over():
    """A classifier drops all its vacancy matchers when it has MAX_MATCHERS, so cycling
    through more vacancies than that rebuilds every one, a pass over the vocabulary each: the
    90-vacancy corpus against the old cap of 160 made bench_classifier four times slower."""
    vacancies, _records = load_corpus()
    assert len(vacancies) * len(LANGUAGES) * 2 <= MAX_MATCHERS
