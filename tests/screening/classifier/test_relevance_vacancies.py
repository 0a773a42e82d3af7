"""Relevance against the corpus vacancies, in wording that no corpus post uses."""

import pytest

from screening.classifier import Outcome, Post
from screening.classifier.corpus import read_vacancies

from .conftest import CORPUS

RELEVANT = [
    ("v-backend-en", "Refactored our FastAPI service to async SQLAlchemy; p95 latency halved."),
    ("v-backend-en", "Spent the day chasing a memory leak in our Celery workers."),
    ("v-backend-en", "Gave a lightning talk on pytest fixtures at the local Python meetup."),
    ("v-backend-en", "Our Postgres replica lag alerts make sense after tuning WAL settings."),
    ("v-backend-en", 'jdoe opened pull request #41 in acme/billing: "Add Alembic migration"'),
    ("v-nurse-nl", "Vandaag de overdracht volgens SBAR geoefend met de nieuwe collega's."),
    ("v-nurse-nl", "Na een jaar op de SEH merk ik hoe belangrijk goede triage is."),
    ("v-nurse-nl", "Drukke nachtdienst op de interne: drie opnames en een reanimatie."),
    ("v-nurse-nl", "Started my new job as a nurse on the internal medicine ward!"),
    ("v-marketing-nl", "Onze employer branding video staat live op LinkedIn en Instagram."),
    ("v-marketing-nl", "SEO-audit voor een klant: 40% meer organisch verkeer naar vacatures."),
    ("v-marketing-nl", "Ran a Google Ads campaign for a client's recruitment drive."),
    ("v-analyst-en", "Rebuilt the monthly forecast in Power BI with DAX measures."),
    ("v-analyst-en", "Presented the budget variance analysis to the CFO this morning."),
]
IRRELEVANT = [
    ("v-backend-en", "Went to a Django Reinhardt tribute concert last night."),
    ("v-backend-en", "Testing a new sourdough recipe this weekend."),
    ("v-nurse-nl", "Lekker gefietst langs het ziekenhuis waar ik geboren ben."),
    ("v-marketing-nl", "Zaterdag voetbal gekeken met de buren, wat een wedstrijd."),
    ("v-analyst-en", "Budget airline, tiny seats, but Porto was worth it."),
]


@pytest.fixture(scope="module")
def vacancies():
    return read_vacancies(CORPUS / "vacancies.json")


@pytest.mark.parametrize(("vacancy", "text"), RELEVANT)
def test_relevant(lexicon_layer, vacancies, vacancy, text):
    verdict = lexicon_layer.classify(Post(text, author="me"), vacancies[vacancy])
    assert verdict.verdict is Outcome.RELEVANT and verdict.matched and verdict.excerpt


@pytest.mark.parametrize(("vacancy", "text"), IRRELEVANT)
def test_irrelevant(lexicon_layer, vacancies, vacancy, text):
    verdict = lexicon_layer.classify(Post(text, author="me"), vacancies[vacancy])
    assert verdict.verdict is Outcome.IRRELEVANT and verdict.excerpt is None
