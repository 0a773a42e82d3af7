"""Build or load the spaCy pipelines: the trained text classifier plus the project's components.

By default a language's pipeline is its trained model in `trained/<lang>` (built from the
committed config and corpus, see training.py) with the lemmatizer and the special-category
matcher added; without a trained model it is blank nl/en with those components (the model
layer then objects to nothing, and the lexicons decide alone). Importing this module
registers the factories and the model architecture, which `spacy.load` needs. A configured
pipeline (package name or path) is loaded as it is and gets the project's components added
where missing.
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from screening.classifier import lemmatizer as _lemmatizer  # noqa: F401  (registers factory)
from screening.classifier import special as _special  # noqa: F401  (registers factory)
from screening.classifier import textcat as _textcat  # noqa: F401  (registers architecture)

LEMMATIZER = "fairscreen_lemmatizer"
SPECIAL = "special_categories"
TEXTCAT = "textcat_multilabel"
TRAINED_DIR = Path(__file__).parent / "trained"


def trained_model(lang: str) -> Path | None:
    """Return the directory of `lang`'s trained model, if one was built."""
    path = TRAINED_DIR / lang
    return path if (path / "meta.json").is_file() else None


def build_pipeline(lang: str) -> Language:
    """Return a blank `lang` pipeline with the lemmatizer and the special-category matcher."""
    nlp = spacy.blank(lang)
    nlp.add_pipe(LEMMATIZER)
    nlp.add_pipe(SPECIAL)
    nlp.initialize()
    return nlp


def load_pipeline(lang: str, name: str | Path | None = None) -> Language:
    """Load the named pipeline (package or directory), else the trained model, else blank."""
    name = name or trained_model(lang)
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
