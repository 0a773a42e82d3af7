"""Relevance beyond exact strings: glossary variants, field vocabulary, and the trained signal."""

import pytest

from screening.classifier import Outcome, Post, Vacancy
from screening.classifier.lexicon import load_glossary
from screening.classifier.relevance import (
    CriteriaMatch,
    RelevanceThresholds,
    criterion_variants,
    describe_criteria,
    expand_criteria,
    relevance_rule,
    vacancy_fields,
)

DATA = Vacancy("v-data", ("Apache Airflow", "PostgreSQL", "dbt", "Kafka"), "en",
               title="Data engineer",
               description="Build batch and streaming pipelines, data models and warehouses.")


@pytest.mark.parametrize(
    ("criterion", "variant"),
    [("Apache Airflow", "airflow"), ("PostgreSQL", "postgres"), ("Kubernetes", "k8s"),
     ("back-end", "backend"), ("BIG-registratie", "big registration")],
)
def test_criteria_expand_to_their_variants(criterion, variant):
    assert expand_criteria((criterion,)).get(variant) == criterion


def test_the_vacancy_page_gets_expansions_and_suggestions():
    (expansion,) = describe_criteria(["PostgreSQL"])
    assert "postgres" in expansion.variants
    assert expansion.suggestions and not set(expansion.suggestions) & set(expansion.variants)


def test_a_vacancy_belongs_to_its_fields():
    names = [field.name.lower() for field in vacancy_fields(DATA)]
    assert names and any("data" in name for name in names)


# Vacancies in fields the development corpus's first glossaries did not cover, written here
# (not taken from the corpus): each belongs to its field by the words of its own text, in
# the plural ('bezichtigingen') or ending a sentence ('tandartspraktijk.') too.
NEW_FIELDS = [
    ("Dental care", Vacancy("t-dental", ("tandartsassistent", "sterilisatie", "röntgenfoto"),
                            "nl", "Tandartsassistent (32 uur)",
                            "Je assisteert de tandarts aan de stoel, zorgt voor de "
                            "sterilisatie van het instrumentarium en maakt röntgenfoto's in "
                            "onze tandartspraktijk.")),
    ("Real estate", Vacancy("t-estate", ("bezichtigingen", "waardebepalingen", "Funda"), "nl",
                            "Makelaar wonen",
                            "Je verzorgt bezichtigingen, waardebepalingen en de verkoop van "
                            "woningen, van de eerste opname tot de overdracht bij de notaris.")),
    ("Translation", Vacancy("t-translation", ("CAT tools", "Trados", "localisation"), "en",
                            "Translator Dutch-English",
                            "Translate and proofread marketing and legal texts in Trados, "
                            "maintain translation memories and termbases.")),
    ("Aviation", Vacancy("t-cabin", ("cabin crew", "safety demonstration", "boarding"), "en",
                         "Cabin crew member",
                         "Welcome passengers at boarding, give the safety demonstration and "
                         "run the in-flight service in the galley.")),
    ("Maritime & port", Vacancy("t-port", ("terminal", "stuwadoor", "ligplaatsplanning"), "nl",
                                "Operationeel planner containerterminal",
                                "Je plant de ligplaatsen en de inzet van de stuwadoors, "
                                "overlegt met de loodsen en volgt de laad- en losplannen op.")),
    ("Private security", Vacancy("t-guard", ("objectbeveiliging", "alarmverificatie"), "nl",
                                 "Beveiliger objectbeveiliging",
                                 "Je doet de objectbeveiliging en toegangscontrole van een "
                                 "kantoorcampus en de alarmverificatie 's nachts.")),
    ("Legal", Vacancy("t-solicitor", ("employment law",), "en", "Employment solicitor",
                      "Advise employers on unfair dismissal and TUPE transfers, draft "
                      "settlement agreements and run claims at the employment tribunal.")),
]


@pytest.mark.parametrize(("field", "vacancy"), NEW_FIELDS, ids=[f for f, _ in NEW_FIELDS])
def test_a_vacancy_in_a_newer_field_belongs_to_it(field, vacancy):
    assert any(name.startswith(field) for name in
               (glossary_field.name for glossary_field in vacancy_fields(vacancy)))


def test_the_glossaries_keep_their_own_rules(lexicon_layer):
    """The rules at the top of every glossary file: groups of two words or more, a word (with
    its generated spellings) in one group of one file only, and no word that is a
    special-category term on its own (it would say nothing: the lexicons withhold first)."""
    owner: dict[str, str] = {}
    for glossary_field in load_glossary():
        for group in glossary_field.groups:
            assert len(group) >= 2, (glossary_field.name, group)
            for word in group:
                for spelling in criterion_variants(word) | {word}:
                    assert owner.setdefault(spelling, f"{glossary_field.name}: {group}") == (
                        f"{glossary_field.name}: {group}"), (word, owner[spelling])
    words = sorted({word for glossary_field in load_glossary() for word in glossary_field.words})
    for lang in ("en", "nl"):
        verdicts = lexicon_layer.classify_many([Post(w, author="a", lang=lang) for w in words],
                                               DATA)
        withheld = [w for w, v in zip(words, verdicts, strict=True)
                    if v.verdict is Outcome.WITHHELD]
        assert withheld == [], lang


def _match(criteria=0, signal=False, field=0, signals=None):
    words = ["deployed", "reviewed", "shipped"][:int(signal) if signals is None else signals]
    return CriteriaMatch(list(range(criteria)), bool(words), [],
                         [(f"w{n}", 0, 1) for n in range(field)],
                         [(word, 0, 1) for word in words])


@pytest.mark.parametrize(
    ("match", "professional", "expected"),
    [
        (_match(criteria=2), 0.5, "criteria"),
        (_match(criteria=1, signal=True), 0.5, "criteria"),
        (_match(criteria=1), 0.5, "criteria"),  # the model's score stands in for a signal
        (_match(criteria=1), 0.2, None),
        (_match(field=2), 0.7, "field"),
        (_match(field=2), 0.5, None),
        (_match(), 0.99, None),  # no word of the vacancy or its field: never relevant
        (_match(criteria=2), 0.01, None),  # below the floor nothing is shown
        (_match(criteria=1, signal=True), None, "criteria"),  # without a model: criteria only
        (_match(field=3), None, None),
    ],
)
def test_relevance_rules(match, professional, expected):
    thresholds = RelevanceThresholds(floor=0.05, with_criterion=0.4, without=0.6)
    assert relevance_rule(match, professional, thresholds) == expected


@pytest.mark.parametrize(
    ("match", "professional", "expected"),
    [
        (_match(signal=True), 0.75, "signal"),  # a work word and a high score: its own words
        (_match(signal=True), 0.65, None),
        (_match(), 0.85, None),
        (_match(), 0.95, "model"),  # the score alone, where the build found it pays
        (_match(field=1), 0.65, None),  # a field word below `without` and no signal word
        (_match(field=1, signal=True), 0.75, "signal"),  # no worse off for the field word
        (_match(criteria=1), 0.99, "criteria"),  # a named criterion decides as before
        (_match(signal=True), None, None),  # without a model: never
    ],
)
def test_the_learned_rules_name_no_criterion(match, professional, expected):
    thresholds = RelevanceThresholds(floor=0.05, with_criterion=0.4, without=0.8, signal=0.7,
                                     model=0.9)
    assert relevance_rule(match, professional, thresholds) == expected


@pytest.mark.parametrize(
    ("match", "professional", "expected"),
    [
        (_match(field=2, signals=2), 0.35, "field"),  # rich: two field and two work words
        (_match(field=3, signals=3), 0.25, None),  # ... but not below its own threshold
        (_match(field=1, signals=3), 0.35, None),  # one field word is not rich
        (_match(field=3, signals=1), 0.35, None),  # nor is one work word
        (_match(field=2, signals=2), 0.85, "field"),  # above `without`, rich or not
        (_match(field=2, signals=2), 0.01, None),  # the floor holds for every rule
    ],
)
def test_rich_field_evidence_asks_for_a_lower_score(match, professional, expected):
    thresholds = RelevanceThresholds(floor=0.05, without=0.8, rich=0.3)
    assert match.rich is (len(match.field_words) >= 2 and len(match.signal_words) >= 2)
    assert relevance_rule(match, professional, thresholds) == expected


def test_without_a_model_the_learned_rules_never_show_a_post(lexicon_layer):
    post = Post("Deployed the nightly loads and wrote the runbook for the on-call rota.",
                author="me")
    verdict = lexicon_layer.classify(post, DATA)
    assert verdict.verdict is Outcome.IRRELEVANT


def test_a_variant_makes_a_post_relevant_and_is_named(lexicon_layer):
    post = Post("Rewrote our Airflow DAGs so the nightly Postgres loads retry per partition.",
                author="me")
    verdict = lexicon_layer.classify(post, DATA)
    assert verdict.verdict is Outcome.RELEVANT
    assert set(verdict.matched) == {"Apache Airflow", "PostgreSQL"}
    assert verdict.decided_by == "relevance:criteria"
