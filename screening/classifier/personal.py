"""The personal-disclosure gate: which sentences of a post are about someone's private life.

A sentence about the private life of the candidate or of anyone else (a divorce, a funeral,
'my daughter', 'his wife') never enters an excerpt, whatever else it says; a post whose
matching sentences are all private is not shown. A post that names someone with their age,
as a news report names a suspect, a patient or a victim ('Ruud-Jan B. (47)', 'meneer
Peeters (81)'), is about that person and is not shown at all. The words are data, in both languages,
since posts mix them (lexicons/context/private_life.<lang>.yaml). Like every layer, the gate
can only hold text back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from screening.classifier.lexicon import load_mapping

_WORD = re.compile(r"[\w'’-]+")
# A capitalised name, or its initial, followed by an age in brackets: 'Ruud-Jan B. (47)'.
_NAMED_WITH_AGE = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]*\.?\s\((\d{1,3})\)")
OLDEST = 110


@dataclass(frozen=True)
class PrivateLifeWords:
    """Life events (count alone), relations (count after a possessive) and possessives."""

    events: frozenset[str]
    phrases: tuple[str, ...]
    relations: frozenset[str]
    possessives: frozenset[str]


@cache
def private_life_words() -> PrivateLifeWords:
    """Read both languages' word lists into one set (posts mix languages)."""
    events: set[str] = set()
    relations: set[str] = set()
    possessives: set[str] = set()
    for lang in ("en", "nl"):
        data = load_mapping(f"context/private_life.{lang}.yaml")
        events |= {str(word).lower() for word in data["events"]}
        relations |= {str(word).lower() for word in data["relations"]}
        possessives |= {str(word).lower() for word in data["possessives"]}
    phrases = tuple(sorted(w for w in events | relations if " " in w))
    return PrivateLifeWords(
        frozenset(w for w in events if " " not in w), phrases,
        frozenset(w for w in relations if " " not in w), frozenset(possessives),
    )


def is_private(sentence: str) -> bool:
    """Tell whether a sentence is about someone's private life."""
    lists = private_life_words()
    lower = sentence.lower()
    words = [w.strip("'’-") for w in _WORD.findall(lower)]
    if not lists.events.isdisjoint(words):
        return True
    padded = f" {' '.join(words)} "
    if any(f" {phrase} " in padded for phrase in lists.phrases):
        return True
    for i, word in enumerate(words):
        if word in lists.relations:
            before = words[max(0, i - 2) : i]
            if word == "partner" and before[-1:] in (["our"], ["onze"]):
                continue  # 'our partner agency': a business partner
            if not lists.possessives.isdisjoint(before) or any(
                w.endswith(("'s", "’s")) for w in before
            ):
                return True
    return False


def names_someone_with_age(text: str) -> bool:
    """Tell whether a post names a person with their age in brackets.

    That is how Dutch and Belgian reports single out a private individual, and in the
    development corpora (three sets, by different writers) every post that does so reveals
    that person's health, criminal record or genes: whatever the rest of the post is about,
    it is about them.
    """
    return any(0 < int(m.group(1)) <= OLDEST for m in _NAMED_WITH_AGE.finditer(text))
