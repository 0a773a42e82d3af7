"""The model in use matches its config, corpus and lexicons, and its recorded figures."""

import json

import pytest

from screening.classifier import build, training
from screening.classifier.pipeline import TEXTCAT, TRAINED_DIR

# Pooled leave-one-vacancy-out figures of the built model may not fall below these. The
# privacy targets are the issue's; the relevance targets (recall >= 0.85, false
# withholds <= 10%) are NOT met: these floors are today's figures (precision 0.951, recall
# 0.655, false withholds 34.3%, see trained/CROSSVAL.md), so the model cannot get worse.
# History: recall 0.541 on 34 vacancies, 0.328 on 46 (hard posts with a disclosure in one
# sentence of a long work post pulled the threshold for shown posts down to 0.206), 0.204
# on 50 (four vacancies by new writers; the threshold fell to 0.149, set by a face template
# committed as a file), then 0.559 once the lexicons caught the worst of those special posts
# (a biometric sample file, a possessive name, professional words making only a health or
# biometric word a topic, a few union names, a silent retreat): the threshold rose to 0.320;
# 0.596 with a lower score for rich field evidence (two field and two work words), once the
# relevance search left out posts the gate never shows (someone named with their age) and
# the lexicons caught a signed citizens' initiative, 'de manif' and a union's coloured vest;
# 0.655 (precision 0.942 -> 0.936, still above the 0.90) once they caught a move
# from a named place of origin, a worn insulin pump, a disability benefit as income and a
# few more: the threshold rose to 0.446; 0.607 on 54 (four batches by new writers, 39.1%
# false withholds, and the nested estimate showed one special post: a strike told as 'day two
# of our action'), then 0.635 once the lexicons caught that, 'his husband' and 'haar vrouw',
# Dutch -e forms ('lesbische') and a few more: the threshold rose to 0.481; 0.632 on 58 (four
# batches by new writers, joined with the rules read off their misses: a Dutch word's English
# lemma, figures of speech, a drip; the threshold 0.432); 0.640 on 62 (four more batches, with
# rules for their misses: a hand on a scanner, hearing aids, a typing rhythm, a scan at a door;
# the threshold 0.467); 0.649 (false withholds 34.9%, precision 0.951) with glossaries for the
# fifteen fields that 17 of the 62 vacancies had none for (dental care, childcare, sales, a
# lab, ...: written from the field's knowledge by writers who never saw the corpus), the
# threshold unchanged; 0.655 (34.3%) once the lexicons caught the special posts that set
# it: an arm in a sling, weeks signed off, a march with a named union, fingers on a reader's
# glass (the threshold 0.497); 0.680 (31.8%) once the words for what a workplace arranges
# for others (Ramadan, halal, polling stations, the company doctor, a record check) withhold
# only beside a person, the threshold unchanged; 0.690 (30.8%) with 0.55 among the scores
# tried for field words without a criterion; 0.646 (34.8%) on 66 (four batches by new
# writers, joined with the rules read off their misses: a glucose sensor by brand, a party's
# short name, canvassing for one's list, a biometric registration, someone in a wheelchair):
# two special posts with one field word and a professional score of 0.6 then kept the score
# field words ask at 0.7; 0.650 (34.8%, precision 0.954) on 76, ten batches by new writers
# joined with the rules read off their misses; 0.628 (35.9%) on 82, six batches by new
# writers in health, faith, labour-relations and court trades, then 0.652 (33.6%, precision
# 0.959) once the four special posts that set the model's threshold (a fine imposed on a
# named officer, a kinship match, "18 months for the invoice scam", a birth card expected)
# had lexicon rules and the threshold rose from 0.498 to 0.629; 0.506 (48.1%) on 90 (the first
# held-out set and four batches by new writers joined), then 0.690 (30.2%, precision 0.951)
# once the special posts that set the threshold had rules (two of them read misses of the
# first held-out set: a hearing test, a speeding letter); 0.662 (32.9%, precision 0.959) on 98
# (the second and third held-out sets joined, with rules for the five special posts they had
# shown: the threshold fell from 0.623 to 0.578). These figures are optimistic
# for rules read off the corpus: the held-out set (test_heldout.py) is the independent check.
FLOORS = {"relevant_precision": 0.95, "relevant_recall": 0.64}
CEILINGS = {"false_withhold_rate": 0.35}


def _meta(lang: str) -> dict:
    return json.loads((TRAINED_DIR / lang / "meta.json").read_text(encoding="utf-8"))


def test_the_model_matches_its_config_and_corpus():
    assert build.stale() == [], "run `make model`: the config, corpus or lexicons changed"


def test_the_checksum_sees_every_input(tmp_path, monkeypatch):
    corpus = tmp_path / "posts.jsonl"
    corpus.write_text('{"id": "a"}\n', encoding="utf-8")
    before = training.checksum([corpus])
    corpus.write_text('{"id": "b"}\n', encoding="utf-8")
    assert training.checksum([corpus]) != before
    # A lexicon edit makes the model stale (its thresholds rest on what the lexicons let
    # through); an edit to redaction's lists does not.
    lexicons = tmp_path / "lexicons"
    (lexicons / "special").mkdir(parents=True)
    (lexicons / "redaction").mkdir()
    (lexicons / "special" / "health.en.yaml").write_text("a: 1\n", encoding="utf-8")
    (lexicons / "redaction" / "gazetteer.yaml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setattr(training, "LEXICONS", lexicons)
    first = training.corpus_checksum()
    (lexicons / "redaction" / "gazetteer.yaml").write_text("a: 2\n", encoding="utf-8")
    assert training.corpus_checksum() == first
    (lexicons / "special" / "health.en.yaml").write_text("a: 2\n", encoding="utf-8")
    assert training.corpus_checksum() != first


def test_the_default_pipelines_carry_the_trained_model(classifier):
    for lang in ("en", "nl"):
        assert TEXTCAT in classifier.pipelines[lang].pipe_names
        recorded = _meta(lang)["fairscreen"]["thresholds"]
        # spaCy reads meta.json with srsly's ujson, whose floats may differ in the last bit.
        assert classifier.thresholds[lang] == pytest.approx(recorded, rel=1e-9)


def test_the_recorded_cross_validation_meets_the_privacy_targets():
    """Pooled over every fold: every special post withheld, none shown, no PII leaked."""
    figures = _meta("en")["fairscreen"]["crossval"]
    assert figures["folds"] >= 16
    assert len(figures["category_recall"]) == 9
    assert set(figures["category_recall"].values()) == {1.0}
    assert figures["special_shown"] == 0
    assert figures["pii_leaks"] == 0


# The nested estimate may show the one post that sets the threshold of shown posts when no
# other fold has one near it: on 90 vacancies that is pq-0036, a colleague stopped at a
# barrier every morning while the author is waved through. A rule for it was tried: the
# threshold rose from 0.623 to 0.694, the nested estimate showed none, and the held-out set
# (test_heldout.py, the independent check) showed a fourth special post; the rule was backed
# out. On 98 vacancies it shows none. Never more than one post.
MOST_NESTED_SHOWN = 1


def test_the_nested_estimate_shows_at_most_the_threshold_setter():
    """Each vacancy judged at thresholds set without it (as an unseen one would be)."""
    nested = _meta("en")["fairscreen"]["nested"]
    assert nested["special_shown"] <= MOST_NESTED_SHOWN
    assert nested["relevant_recall"] >= FLOORS["relevant_recall"]


def test_the_recorded_relevance_figures_do_not_fall():
    figures = _meta("nl")["fairscreen"]["crossval"]
    for name, floor in FLOORS.items():
        assert figures[name] >= floor, name
    for name, ceiling in CEILINGS.items():
        assert figures[name] <= ceiling, name
