"""Pipelines: the blank ones, a saved pipeline loaded by path, and the lexicon files."""

import spacy

from screening.classifier import Classifier, Outcome, Post
from screening.classifier.lexicon import LEXICON_DIR, load_special
from screening.classifier.model import SpecialCategory
from screening.classifier.pipeline import LEMMATIZER, SPECIAL, build_pipeline, load_pipeline


def test_blank_pipeline_lemmatises():
    nlp = build_pipeline("nl")
    doc = nlp("Twee vakbondsleden stemden")
    assert [t.lemma_ for t in doc] == ["twee", "vakbondslid", "stemmen"]
    assert nlp.pipe_names == [LEMMATIZER, SPECIAL]


def test_saved_trained_pipeline_gets_our_components(tmp_path, backend):
    trained = spacy.blank("en")
    trained.add_pipe("sentencizer")
    trained.to_disk(tmp_path / "en_small")
    nlp = load_pipeline("en", str(tmp_path / "en_small"))
    assert nlp.pipe_names == [LEMMATIZER, "sentencizer", SPECIAL]
    classifier = Classifier({"en": nlp})
    verdict = classifier.classify(Post("I was diagnosed with epilepsy.", "me", "en"), backend)
    assert verdict.verdict is Outcome.WITHHELD


def test_our_pipeline_round_trips_through_disk(tmp_path):
    build_pipeline("en").to_disk(tmp_path / "ours")
    nlp = load_pipeline("en", str(tmp_path / "ours"))
    assert nlp("Proud FNV member")._.special.categories == {"trade_union"}


def test_every_category_has_a_lexicon_in_both_languages():
    found = {(lex.category, lex.language) for lex in load_special(LEXICON_DIR)}
    for category in SpecialCategory:
        assert (category.value, "en") in found and (category.value, "nl") in found
