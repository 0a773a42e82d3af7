"""Offline language detection for Dutch, English and mixed posts."""

import pytest

from screening.classifier.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Vandaag ben ik begonnen op de afdeling en het was een drukke dag.", "nl"),
        ("Today I started on the ward and it was a busy day.", "en"),
        ("Oliebollen count this year: 14. No regrets, and happy new year to everyone!", "en"),
        ("Mijn eerste talk op PyCon: het was geweldig, thanks everyone!", "nl"),
    ],
)
def test_detect(text, lang):
    assert detect_language(text) == lang


def test_hint_breaks_ties():
    assert detect_language("Django 5.0 🎉", hint="nl") == "nl"
    assert detect_language("Django 5.0 🎉") == "en"
