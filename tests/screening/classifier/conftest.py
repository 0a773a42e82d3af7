"""Fixtures for the classifier tests: one classifier per session (pipelines take ~1 s)."""

from pathlib import Path

import pytest

from screening.classifier import Classifier, Vacancy
from screening.classifier.pipeline import build_pipeline

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"


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
