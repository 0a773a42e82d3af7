"""Build or load the spaCy pipelines: blank nl/en plus the project's components.

Importing this module registers the factories, which `spacy.load` needs for a saved
pipeline. A configured trained pipeline (package name or path) is loaded as it is and gets
the project's components added where missing.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from screening.classifier import lemmatizer as _lemmatizer  # noqa: F401  (registers factory)
from screening.classifier import special as _special  # noqa: F401  (registers factory)

LEMMATIZER = "fairscreen_lemmatizer"
SPECIAL = "special_categories"


def build_pipeline(lang: str) -> Language:
    """Return a blank `lang` pipeline with the lemmatizer and the special-category matcher."""
    nlp = spacy.blank(lang)
    nlp.add_pipe(LEMMATIZER)
    nlp.add_pipe(SPECIAL)
    nlp.initialize()
    return nlp


def load_pipeline(lang: str, name: str | None = None) -> Language:
    """Load the named pipeline (package or directory), or build the blank one when no name."""
    if not name:
        return build_pipeline(lang)
    nlp = spacy.load(name)
    if nlp.lang != lang:
        raise ValueError(f"pipeline {name!r} is for {nlp.lang!r}, not {lang!r}")
    if LEMMATIZER not in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names:
        nlp.add_pipe(LEMMATIZER, first=True).initialize(nlp=nlp)
    if SPECIAL not in nlp.pipe_names:
        nlp.add_pipe(SPECIAL).initialize(nlp=nlp)
    return nlp
