"""Each privacy layer on its own, and the rule that decided: in both languages, both directions."""

import pytest
import spacy
from spacy.training import Example

from screening.classifier import Outcome, Post, Vacancy
from screening.classifier.classifier import (
    NOT_SHOWN,
    SHOWN,
    Classifier,
    model_verdict,
    shown_score,
)
from screening.classifier.excerpt import sentences
from screening.classifier.personal import is_private, names_someone_with_age
from screening.classifier.textcat import READS_LOWER_ONLY, score_slices

# One pair per category and language: a post that reveals a fact about a person, written
# without the category's words, and one on the same topic that reveals nothing about anyone.
PAIRS = [
    ("health", "en", "Third round of infusions done on Tuesday; the oncology nurses now know "
     "my coffee order.",
     "Our oncology ward rewrote the infusion checklist: two nurses sign before every start."),
    ("health", "nl", "Vanaf volgende week halve dagen: de bedrijfsarts wil dat ik rustig "
     "opbouw na de operatie aan mijn rug.",
     "Nieuwe richtlijn van de bedrijfsarts over re-integratie: opbouw in halve dagen."),
    ("religious_belief", "en", "Fasting until sunset this month, so I moved my runs to the "
     "evening.",
     "Scheduling tip: ask your team about religious holidays before planning the sprint."),
    ("religious_belief", "nl", "Zondag weer in de kerkbank met mijn ouders, zoals elke week.",
     "Bij de planning van de verkiezingen houden we rekening met feestdagen van alle "
     "geloven."),
    ("political_opinion", "en", "Spent Saturday knocking on doors with leaflets for our "
     "candidate. Vote on Thursday!",
     "Explainer: how the electoral commission counts postal votes on election night."),
    ("political_opinion", "nl", "Gisteren mijn handtekening gezet onder de petitie tegen de "
     "nieuwe snelweg, en morgen loop ik mee naar het Malieveld.",
     "Uitleg voor collega's: zo werkt de procedure voor een burgerinitiatief in de raad."),
    ("trade_union", "en", "Walked out with the rest of the depot at six this morning; we "
     "stay out until they talk about the rota.",
     "How a collective agreement is negotiated: a short explainer on the legal steps."),
    ("trade_union", "nl", "Vanaf morgen leggen we het werk neer; ik sta om zes uur bij de "
     "poort met de andere leden van de FNV.",
     "Uitleg: wat de cao regelt over toeslagen voor nachtdiensten in de logistiek."),
    ("genetic", "en", "The lab letter came: I carry the same variant as my mum, so yearly "
     "scans from now on.",
     "Primer on how labs sequence samples and why carrier screening raises consent issues."),
    ("genetic", "nl", "Uitslag van de hielprik-vervolgtest: onze zoon is drager, net als ik.",
     "Hoe werkt een DNA-test in het lab? Een korte uitleg over sequencing en privacy."),
    ("biometric", "en", "Here is a scan of my thumbprint from the new time clock, enrolled "
     "it this morning.",
     "Passkeys explained: the fingerprint never leaves your device, only a key does."),
    ("biometric", "nl", "De politie heeft mijn vingerafdrukken en een gezichtsfoto nog in "
     "hun systeem staan.",
     "Advies voor de klant: toegangspoortjes met gezichtsherkenning vragen om een DPIA."),
    ("sex_life_orientation", "en", "My husband Tom and I celebrated our tenth anniversary; "
     "I am the luckiest guy.",
     "Our HR forms now have gender-neutral options, after a review with the works council."),
    ("sex_life_orientation", "nl", "Mijn vrouw Sanne en ik zijn tien jaar samen; ik ben "
     "trots op ons als stel van twee moeders.",
     "Voor het personeelshandboek: verlofregels gelden voor elk soort gezin."),
    ("racial_ethnic_origin", "en", "My grandparents came over from Lahore in 1962 with one "
     "suitcase; I still cook my nani's dal every Sunday.",
     "Report: our recruitment statistics per region, as the equality act requires."),
    ("racial_ethnic_origin", "nl", "Mijn ouders kwamen in de jaren zeventig uit Nador naar "
     "Rotterdam; ik ben de eerste in de familie die heeft gestudeerd.",
     "Analyse van de wijkcijfers: hoe de gemeente migratiestromen meet in de Monitor."),
    ("criminal", "en", "Two more months on the tag and then my probation officer signs me "
     "off.",
     "Explainer: what a certificate of conduct check covers for roles with children."),
    ("criminal", "nl", "Nog veertig uur taakstraf in het plantsoen, dan is het klaar.",
     "Uitleg: welke functies een VOG vragen en hoe de screeningsprofielen werken."),
]


@pytest.mark.parametrize(("category", "lang", "reveals", "discusses"), PAIRS)
def test_model_scores_a_fact_above_the_topic(classifier, category, lang, reveals, discusses):
    """The trained layer tells a fact about a person from a professional topic."""
    def score(text: str) -> float:
        cats = classifier.scores(Post(text, lang=lang))
        return max(v for k, v in cats.items() if k != "relevant")

    assert score(reveals) > score(discusses)


@pytest.mark.parametrize(("category", "lang", "reveals", "discusses"), PAIRS)
def test_a_fact_is_never_shown(classifier, category, lang, reveals, discusses):
    """Whatever layer decides, a post that reveals a fact never reaches the recruiter."""
    vacancy = Vacancy("any", ("Python", "wondzorg", "planning", "rooster", "cao"), lang)
    verdict = classifier.classify(Post(reveals, author="sam", lang=lang), vacancy)
    assert verdict.verdict is not Outcome.RELEVANT
    assert verdict.excerpt is None


def test_model_layer_names_its_label_and_only_holds_back():
    cats = {"health": 0.7, "criminal": 0.1, "special": 0.8, "relevant": 0.9}
    verdict = model_verdict(cats, 0.5, "en")
    assert verdict.verdict is Outcome.WITHHELD
    assert verdict.decided_by == "model:health"
    assert [c.value for c in verdict.categories] == ["health"]
    assert model_verdict(cats, 0.85, "en") is None
    # 'special' alone reaching the threshold withholds too; the rule names the likeliest
    # label, but no category is claimed that the model does not find likely.
    cautious = model_verdict({"special": 0.6, "criminal": 0.3}, 0.2, "nl")
    assert cautious.decided_by == "model:criminal" and cautious.categories == ()


def test_a_post_that_would_be_shown_is_judged_by_its_most_telling_sentence_too():
    post = {"special": 0.05, "health": 0.04, "relevant": 0.95}
    work = {"special": 0.3, "health": 0.2, "relevant": 0.9}  # about the job: discounted
    telling = {"special": 0.8, "health": 0.7, "relevant": 0.1}  # about the author, not the job
    assert shown_score(post) == 0.05
    assert shown_score(post, [work]) == 0.05  # 0.3 x (1 - 0.9) = 0.03 adds nothing
    assert shown_score(post, [work, telling]) == pytest.approx(0.8 * (1 - 0.1))
    # A sentence never lowers the post's own score.
    assert shown_score({"special": 0.6, "relevant": 0.2}, [work]) == 0.6
    assert model_verdict(post, 0.2, "en") is None
    held = model_verdict(post, 0.2, "en", sentences=[work, telling])
    assert held.verdict is Outcome.WITHHELD
    assert held.decided_by == "model:health" and [c.value for c in held.categories] == ["health"]


def test_a_post_the_model_holds_back_says_which_relevance_rule_would_have_shown_it(
        classifier, backend):
    # At a threshold of 0 the model layer holds back every post that reaches it.
    cautious = Classifier(classifier.pipelines, thresholds={
        lang: {**t, "shown": 0.0, "not_shown": 0.0} for lang, t in classifier.thresholds.items()})
    work = cautious.classify(Post("Shipped the Django REST API on PostgreSQL today.",
                                  author="a", lang="en"), backend)
    assert work.verdict is Outcome.WITHHELD and work.decided_by.startswith("model:")
    assert work.shown_by == "relevance:criteria"
    cake = cautious.classify(Post("Baked a lemon cake this afternoon.", author="a",
                                  lang="en"), backend)
    assert cake.decided_by.startswith("model:") and cake.shown_by == ""


def test_one_telling_sentence_in_a_long_work_post_is_scored_on_its_own(classifier):
    work = ("Migrated the nightly loads from cron to Airflow this sprint. The DAGs now retry "
            "with backoff and page the on-call engineer only after the third failure. Next up: "
            "moving the dbt models to incremental builds so the warehouse bill drops. ")
    telling = "Writing this from the oncology ward between my chemotherapy sessions."
    cats = classifier.scores(Post(id="p", author="a", text=work + telling))
    doc = classifier.pipelines["en"](work + telling)
    sentences = classifier._sentence_cats(doc, work + telling, "en")
    assert len(sentences) == 4
    assert shown_score(cats, sentences) > shown_score(cats)


@pytest.mark.parametrize("lang, text", [
    ("en", "Shipped the Airflow upgrade today.  My chemo starts Monday, so I'm off a while!\n\n"
           "Thanks to the team (and Sanne) for covering the on-call rota."),
    ("nl", "Vandaag de nieuwe dienstroosters rond.\nMorgen naar de oncoloog met mijn moeder… "
           "Daarna gewoon weer aan het werk?! Ja."),
])
def test_a_sentence_is_scored_from_the_posts_tokens_as_if_it_were_a_post_of_its_own(
        classifier, lang, text):
    nlp = classifier.pipelines[lang]
    assert nlp.get_pipe("textcat_multilabel").model.attrs.get(READS_LOWER_ONLY)  # the slices
    doc = nlp(text)
    alone = [dict(nlp(text[start:end]).cats) for start, end in sentences(text)]
    scored = classifier._sentence_cats(doc, text, lang)
    assert len(scored) == len(alone) >= 3
    for ours, theirs in zip(scored, alone, strict=True):
        assert ours.keys() == theirs.keys()
        assert all(ours[label] == pytest.approx(theirs[label], abs=1e-6) for label in ours)


def test_a_model_of_another_architecture_scores_sentences_as_real_docs():
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel")  # spaCy's own: it reads ORTH, not LOWER
    examples = [Example.from_dict(nlp.make_doc(text), {"cats": {"special": gold}})
                for text, gold in (("My chemo starts Monday.", 1.0),
                                   ("Shipped the Airflow upgrade.", 0.0))]
    nlp.initialize(lambda: examples)
    for _ in range(5):
        nlp.update(examples)
    text = "Shipped the Airflow upgrade today. My chemo starts Monday! Thanks, all."
    doc = nlp(text)
    bounds = [(span.start, span.end) for span in
              (doc.char_span(s, e, alignment_mode="expand") for s, e in sentences(text))]
    alone = [nlp(text[s:e]).cats["special"] for s, e in sentences(text)]
    scored = [cats["special"] for cats in score_slices(textcat, doc, bounds)]
    assert scored == pytest.approx(alone, abs=1e-6)
    assert len(set(round(score, 3) for score in scored)) == 3  # a trained, telling model


def test_every_verdict_says_which_layer_decided(classifier, lexicon_layer, backend):
    posts = [
        Post("Proud Unite member.", author="me"),
        Post("Shipped our Django REST API with pytest and a Postgres migration.", author="me"),
        Post("Lovely walk on the beach today.", author="me"),
        Post("Aujourd'hui je suis très fier de notre équipe et de mon projet.", author="me"),
        Post("Shipped our Django REST API.", author="me", is_own=False),
    ]
    decided = [v.decided_by for v in lexicon_layer.classify_many(posts, backend)]
    assert decided == ["lexicon:trade_union", "relevance:criteria", "relevance:none",
                       "language:fr", "source:repost"]
    # With the trained layer, a post is decided by a layer that holds back, or shown.
    with_model = [v.decided_by for v in classifier.classify_many(posts, backend)]
    assert with_model[0] == "lexicon:trade_union" and with_model[3:] == decided[3:]
    assert all(rule.split(":")[0] in ("model", "relevance") for rule in with_model[1:3])


def test_thresholds_are_the_models_own(classifier):
    for thresholds in classifier.thresholds.values():
        assert set(thresholds) == {SHOWN, NOT_SHOWN, "floor", "with_criterion", "without",
                                   "signal", "model", "rich"}
        assert 0 < thresholds[SHOWN] <= 1 and 0 < thresholds[NOT_SHOWN] <= 1


# The same facts about someone named by their first name, and the same words as a topic.
NAMED = [
    ("biometric", "Pushed the enrolled face templates of Mo, Lien and Jens to the test set "
     "for the gate camera.",
     "Pushed the face template matcher to the test set for the gate camera."),
    ("biometric", "Het labo vond op de kassalade een vingerafdruk van Jens Goossens.",
     "Het labo legt uit hoe een vingerafdruk op een kassalade wordt veiliggesteld."),
    ("health", "Drie ochtenden per week zit ik in de dagbehandeling bij Parnassia.",
     "Parnassia zoekt verpleegkundigen voor de afdeling dagbehandeling."),
    ("health", "Back on hormone injections this month, so I leave the office at four.",
     "Pharmacy update: hormone injections now ship in cold packs."),
]


@pytest.mark.parametrize(("category", "reveals", "discusses"), NAMED)
def test_a_named_person_or_a_treatment_setting_is_a_fact(lexicon_layer, backend, category,
                                                          reveals, discusses):
    verdict = lexicon_layer.classify(Post(reveals, author="me"), backend)
    assert verdict.verdict is Outcome.WITHHELD and category in {
        c.value for c in verdict.categories}
    assert lexicon_layer.classify(Post(discusses, author="me"), backend).verdict is not (
        Outcome.WITHHELD)


def test_a_name_further_off_does_not_make_a_topic_personal(lexicon_layer, backend):
    text = ("Wat een goede training van Anouk over loonheffingen. Belangrijkste inzicht: bij de "
            "overgang naar het nieuwe jaar eerst de cumulatieven bevriezen.")
    assert lexicon_layer.classify(Post(text, author="me"), backend).verdict is not (
        Outcome.WITHHELD)


@pytest.mark.parametrize(
    ("sentence", "private"),
    [
        ("He has just divorced, poor guy.", True),
        ("Mijn dochter werd vandaag zes.", True),
        ("Tom's kids were at the office party.", True),
        ("Na de begrafenis van mijn oom was ik een week vrij.", True),
        ("Zijn vrouw werkt ook in de zorg.", True),
        ("Congrats to Famke on her wedding!", True),
        ("We migrated the orders table to Postgres.", False),
        ("De kinderen in groep 5 oefenen de tafels met MAB-materiaal.", False),
        ("Our partner agency ran the LinkedIn campaign.", False),
        ("Release date moved to Friday.", False),
        ("Tests are passing again after the refactor.", False),
    ],
)
def test_personal_gate(sentence, private):
    assert is_private(sentence) is private


def test_private_sentences_never_enter_an_excerpt(lexicon_layer, backend):
    text = ("Paired with Kees on the Django REST API today and we moved the jobs to Celery. "
            "He has just divorced, so he is glad of the distraction.")
    verdict = lexicon_layer.classify(Post(text, author="me"), backend)
    assert verdict.verdict is Outcome.RELEVANT
    assert "divorced" not in verdict.excerpt
    assert "Celery" in verdict.excerpt


def test_only_private_matches_are_not_shown(lexicon_layer, backend):
    text = "My wife finally learned Python this winter, and she loves Django."
    verdict = lexicon_layer.classify(Post(text, author="me"), backend)
    assert verdict.verdict is not Outcome.RELEVANT


@pytest.mark.parametrize("text", [
    "Vonnis in de zaak: Ruud-Jan B. (47) moet 240 uur werken. Verslag over Django en "
    "PostgreSQL staat online.",
    "Meneer Peeters (81) kwam langs met zijn pennen; daarna de Django REST API getest.",
    "Shipped the Django REST API. Mrs O'Neill (63) from the ward stopped by the desk.",
])
def test_a_post_naming_someone_with_their_age_is_not_shown(lexicon_layer, backend, text):
    verdict = lexicon_layer.classify(Post(text, author="me"), backend)
    assert verdict.verdict is Outcome.IRRELEVANT
    assert verdict.decided_by == "personal:named_with_age" and not verdict.excerpt


@pytest.mark.parametrize(("text", "named"), [
    ("Ruud-Jan B. (47)", True), ("meneer Peeters (81)", True), ("Élodie (9)", True),
    ("Django REST API (3) and PostgreSQL (16)", True),  # held back: a version looks the same
    ("PostgreSQL 16 (2024)", False), ("the API (v3)", False), ("step (0) done", False),
    ("Team (12) grew", True), ("we (12) met", False), ("Tom (250)", False),
])
def test_named_with_age(text, named):
    assert names_someone_with_age(text) is named


def test_an_excerpt_holds_only_the_matching_sentences(lexicon_layer, backend):
    text = ("Lovely weekend in Zeeland with friends. "
            "Monday: rewrote our PostgreSQL migrations and the Django REST API tests. "
            "Then pizza.")
    verdict = lexicon_layer.classify(Post(text, author="me"), backend)
    assert verdict.excerpt == ("Monday: rewrote our PostgreSQL migrations and the Django REST "
                               "API tests.")


# The learned rules (no criterion named), switched on for the test; the model layer off.
LEARNED = {SHOWN: 1.01, NOT_SHOWN: 1.01, "floor": 0.0, "with_criterion": 1.01,
           "without": 1.01, "signal": 0.0, "model": 0.0, "rich": 1.01}


def test_a_post_shown_on_its_score_alone_keeps_the_personal_gate(classifier, backend):
    learned = Classifier(classifier.pipelines, thresholds=LEARNED)
    text = ("Spent the morning pairing on the deploy scripts with Kees. "
            "He has just divorced, so he is glad of the distraction.")
    verdict = learned.classify(Post(text, author="me"), backend)
    assert verdict.verdict is Outcome.RELEVANT
    assert verdict.decided_by in ("relevance:signal", "relevance:model")
    assert "divorced" not in verdict.excerpt and "deploy scripts" in verdict.excerpt
    assert "Kees" not in verdict.excerpt  # redaction as for every other rule


def test_a_post_shown_on_its_score_alone_names_no_criterion(classifier, backend):
    learned = Classifier(classifier.pipelines, thresholds=LEARNED)
    verdict = learned.classify(Post("Lovely quiet morning at the desk.", author="me"), backend)
    assert verdict.decided_by == "relevance:model" and verdict.matched == ()
    private = learned.classify(Post("My wife and I just divorced.", author="me"), backend)
    assert private.verdict is not Outcome.RELEVANT


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Aujourd'hui je suis très fier de notre équipe: nous avons livré le projet Django.",
         "fr"),
        ("Heute haben wir mit dem Team die neue Django API ausgeliefert, und es ist sehr gut.",
         "de"),
        ("Hoy estoy muy contento con el equipo y el proyecto de Django para la empresa.", "es"),
    ],
)
def test_a_language_without_a_pipeline_is_never_shown(classifier, backend, text, lang):
    verdict = classifier.classify(Post(text, author="me", lang="en"), backend)
    assert verdict.verdict is Outcome.NOT_ASSESSED
    assert verdict.decided_by == f"language:{lang}"
    assert verdict.excerpt is None
    assert verdict.to_json("x")["verdict"] == "withheld"


def test_a_classifier_for_one_language_does_not_assess_the_other():
    only_english = Classifier.for_languages(("en",))
    verdict = only_english.classify(
        Post("Heute habe ich mit meinem Team die neue Version ausgeliefert, sehr gut."),
        Vacancy("v", ("Version",), "en"),
    )
    assert verdict.verdict is Outcome.NOT_ASSESSED
