"""Relevance against vacancy criteria, across languages, with excerpts and redaction."""

import pytest

from screening.classifier import Outcome, Post
from screening.classifier.excerpt import MAX_EXCERPT


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        ("Moved our CI/CD to GitHub Actions and sped up the Django test suite.", True),
        ("Wrote a blog post on Postgres partial indexes for our REST API.", True),
        ("Sourdough attempt #7: finally some oven spring.", False),
        ("Holiday in Italy, no laptop for two weeks.", False),
    ],
)
def test_backend_relevance(lexicon_layer, backend, text, relevant):
    verdict = lexicon_layer.classify(Post(text, author="me"), backend)
    assert (verdict.verdict is Outcome.RELEVANT) is relevant


@pytest.mark.parametrize(
    "text",
    [
        "Vijf lessen uit een jaar wondzorgspreekuur op onze afdeling.",
        "Triage tip from my years in the hospital: check the lactate early.",
        "Palliative care on a busy ward: plan the handover with the family.",
    ],
)
def test_nurse_relevance_across_languages_and_compounds(lexicon_layer, nurse, text):
    assert lexicon_layer.classify(Post(text, author="me"), nurse).verdict is Outcome.RELEVANT


def test_excerpt_is_redacted_and_bounded(lexicon_layer, backend):
    text = (
        "Paired with Femke de Wit (@femke_dev, femke@example.org, +31 6 12345678) on our "
        "Django REST API. " + "We fixed many things in the CI/CD pipeline. " * 20
    )
    verdict = lexicon_layer.classify(Post(text, author="me"), backend)
    assert verdict.verdict is Outcome.RELEVANT
    assert len(verdict.excerpt) <= MAX_EXCERPT
    for pii in ("Femke", "de Wit", "@femke_dev", "femke@example.org", "12345678"):
        assert pii not in verdict.excerpt
    assert "Django" in verdict.excerpt
