"""Fixtures for the classifier tests: one classifier per session (pipelines take ~1 s)."""

from pathlib import Path

import pytest

from screening.classifier import Classifier, Vacancy
from screening.classifier.pipeline import build_pipeline
from tests.conftest import fresh_database

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """The classify and evaluate commands touch no database: SQLite alone builds the app.

    (On both databases, `evaluate --folds` trained its folds twice: ~40 s of the suite.)
    """
    return fresh_database(request, tmp_path, "sqlite")


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.for_languages()


@pytest.fixture(scope="session")
def lexicon_layer() -> Classifier:
    """The classifier without its trained model: the lexicons and patterns on their own."""
    return Classifier({lang: build_pipeline(lang) for lang in ("en", "nl")})


@pytest.fixture(scope="session")
def backend() -> Vacancy:
    return Vacancy("v-backend", ("Python", "Django", "PostgreSQL", "REST APIs", "CI/CD"), "en")


@pytest.fixture(scope="session")
def nurse() -> Vacancy:
    criteria = ("wondzorg", "palliatieve zorg", "ziekenhuis", "triage", "overdracht")
    return Vacancy("v-nurse", criteria, "nl")
