"""Fixtures for the classifier tests: one classifier per session (pipelines take ~1 s)."""

from pathlib import Path

import pytest

from screening.classifier import Classifier, Vacancy

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier.for_languages()


@pytest.fixture(scope="session")
def backend() -> Vacancy:
    return Vacancy("v-backend", ("Python", "Django", "PostgreSQL", "REST APIs", "CI/CD"), "en")


@pytest.fixture(scope="session")
def nurse() -> Vacancy:
    criteria = ("wondzorg", "palliatieve zorg", "ziekenhuis", "triage", "overdracht")
    return Vacancy("v-nurse", criteria, "nl")
