"""Redaction formats: e-mail, handles, phones (NL, BE, UK, US, E.164), names; places stay."""

import pytest

from screening.classifier.lexicon import load_mapping
from screening.classifier.names import context_first_names
from screening.classifier.redaction import contact_names, redact


@pytest.mark.parametrize(
    ("text", "placeholder", "gone"),
    [
        ("mail jan.jansen@example.nl please", "[email]", "jan.jansen@example.nl"),
        ("thanks @ellie_codes!", "[handle]", "@ellie_codes"),
        ("with @priya_n@fosstodon.org", "[handle]", "priya_n"),
        ("with @sophie.bsky.social today", "[handle]", "@sophie.bsky.social"),
        ("bel 06-19283746", "[phone]", "06-19283746"),
        ("bel 06 12345678", "[phone]", "06 12345678"),
        ("bel 020-1234567", "[phone]", "020-1234567"),
        ("call 0470 12 34 56", "[phone]", "0470 12 34 56"),
        ("call 02 123 45 67", "[phone]", "02 123 45 67"),
        ("call 07700 900461", "[phone]", "07700 900461"),
        ("call (555) 123-4567", "[phone]", "(555) 123-4567"),
        ("call +31 6 12345678", "[phone]", "+31 6 12345678"),
        ("call +442079460958", "[phone]", "+442079460958"),
        ("Thanks to James Whitfield for the referral.", "[person]", "Whitfield"),
        ("Dank aan Femke de Wit voor de hulp.", "[person]", "de Wit"),
        ("Dank aan Marloes Kok voor het welkom.", "[person]", "Kok"),
        ("Review by J.P. van Dam today.", "[person]", "van Dam"),
        ("Met dank aan mevrouw Jansen.", "[person]", "Jansen"),
        ("Assigned to mvandenbroek.", "[handle]", "mvandenbroek"),
        ("bel 0470/12.34.56", "[phone]", "12.34.56"),
        ("bel 02/123.45.67", "[phone]", "123.45.67"),
        ("bel 06 - 1234 5678", "[phone]", "1234 5678"),
        ("call +44 (0)20 7946 0958", "[phone]", "7946 0958"),
        ("call (020) 123 4567", "[phone]", "123 4567"),
        ("en aan collega Kees voor de tips", "[person]", "Kees"),
        # A role with a prefix ('ex-', 'oud-') names the person after it too, also when the
        # name is a place as well (Brent is a London borough in the gazetteer).
        ("veroordeeld, onze ex-collega Brent, 18 maanden", "[person]", "Brent"),
        ("My ex-colleague Florence runs the meetup now.", "[person]", "Florence"),
        ("Our CTO Maarten approved it.", "[person]", "Maarten"),
        ("Besproken met dr. De Vries.", "[person]", "Vries"),
        ("Thanks to Sarah O'Brien for the review.", "[person]", "O'Brien"),
        ("Co-presenting with Jan-Willem van den Berg.", "[person]", "van den Berg"),
        # An organisation's cue keeps the organisation, not a name joined to it by 'van het'.
        ("Dank aan Hinke de Jong-Bakker van het Lely Center.", "[person]", "Hinke"),
        ("Met Femke van Hotel Max gebeld.", "[person] van Hotel Max", "Femke"),
    ],
)
def test_third_parties_are_replaced(text, placeholder, gone):
    shown = redact(text, author="me")
    assert placeholder in shown and gone not in shown


@pytest.mark.parametrize(
    "text",
    [
        "Joined Havenstad Logistics in Rotterdam.",
        "Moved from Jenkins to GitLab CI at Northgate Health Tech.",
        "Took our endpoint from 900ms to 40ms on 2024-02-15.",
        "Presenting at PyCon NL in Utrecht.",
        "Begonnen in Ziekenhuis De Linde in Den Haag.",
        "Employer branding voor Albert Heijn en Philips.",
        "Release on 15-02-2024 at 10:00; 1.000 pakketten; a 300-million-row table.",
    ],
)
def test_organisations_places_and_numbers_stay(text):
    assert redact(text, author="me") == text


def test_own_handle_stays():
    assert redact("see @karinbuilds and @other", author="karinbuilds") == (
        "see @karinbuilds and [handle]"
    )


# Deny by default: names outside every list, in all their Dutch, Flemish and English forms.
@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Dank aan Sanne van 't Hoff voor de tips.", "Hoff"),
        ("Overleg met Van der Linde-Hoekstra over de planning.", "Linde"),
        ("Petra van der Linde-Hoekstra belde terug.", "Petra"),
        ("Vandaag met van der Meulen de route gereden.", "van der Meulen"),
        ("Met Katrien Van den Broeck-Desmet de keuring gedaan.", "Broeck"),
        ("Samen met Ingrid Smit-Bakker het advies geschreven.", "Smit-Bakker"),
        ("Pieter-Jan fixed the relay.", "Pieter-Jan"),
        ("Thanks to Hannah O'Connor-Reid for the bundle.", "O'Connor"),
        ("Review by J.W. de Groot today.", "Groot"),
        ("Akkoord van M. De Clercq voor de keuring.", "Clercq"),
        ("K. Mensah signed off the plan.", "Mensah"),
        ("Besproken met A.-M. Peeters.", "Peeters"),
        ("Thanks Oluwaseun Adeyemi for the review.", "Adeyemi"),
        ("Oluwaseun reviewed it.", "Oluwaseun"),
        ("Pairing with Giedre on the parser.", "Giedre"),
        ("Thanh’s talk on caching was great.", "Thanh"),
        ("Jurre fixed the build.", "Jurre"),
        ("Mees en ik hebben de keuken gedaan.", "Mees"),
        ("Gisteren met Jurre de nieuwe kaart geproefd.", "Jurre"),
        ("Worked with Kofi and Dennis at the depot.", "Kofi"),
        ("Ik heb Ben gebeld over de dienst.", "Ben"),
        ("Bart Mol helped with the migration.", "Mol"),
        ("Met Van Doorn de vergunning besproken.", "Doorn"),
        ("Completed the course with Dr. Achterberg.", "Achterberg"),
    ],
)
def test_names_outside_the_lists_are_replaced(text, gone):
    shown = redact(text, author="me")
    assert "[person]" in shown and gone not in shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Famke's idee werkte.", "[person]'s idee werkte."),
        ("Thanh’s talk was great.", "[person]’s talk was great."),
        ("Dank aan Femke de Wit, echt.", "Dank aan [person], echt."),
        ("met Van der Linde-Hoekstra: klaar", "met [person]: klaar"),
        ("Bedankt  Jurre!\n\nKlaar.", "Bedankt  [person]!\n\nKlaar."),
        # A possessive with no apostrophe, opening a sentence: Dutch, or a hurried writer.
        ("Mehmets wont register. Klaar.", "[person] wont register. Klaar."),
        ("Femkes fiets staat buiten.", "[person] fiets staat buiten."),
        ("Femi's trial got adjourned.", "[person]'s trial got adjourned."),
    ],
)
def test_a_name_becomes_one_placeholder_and_the_text_around_it_stays(text, shown):
    assert redact(text, author="me") == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # A name the text has shown to be one is redacted where it opens a sentence too.
        ("Met dank aan Sevda Öztürk. Makelaars: Sevda is bereikbaar.",
         "Met dank aan [person]. Makelaars: [person] is bereikbaar."),
        ("Swapped on-call with Ronan. ronan, the printer is yours. Ronan's turn.",
         "Swapped on-call with [person]. [person], the printer is yours. [person]'s turn."),
        # Lower case, a word of the gazetteer stays: 'Bart Mol' is a name, 'de mol' a mole.
        ("Met Bart Mol over de mol in de tuin.", "Met [person] over de mol in de tuin."),
    ],
)
def test_every_mention_of_a_name_shown_once_is_redacted(text, shown):
    assert redact(text, author="me") == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Written in lower case, a first name that is no word is a name, with its surname.
        ("big thanks to sjoerd de vries (foreman) and to bart-jan ter horst for the docs",
         "big thanks to [person] (foreman) and to [person] for the docs"),
        ("showin kacper how to go online to the filler logic",
         "showin [person] how to go online to the filler logic"),
        ("3 strikes at the bowlin for gerry's birthday",
         "3 strikes at the bowlin for [person]'s birthday"),
        # First names the lemma tables list although they are no word (names.yaml `not_words`).
        ("lotte en ik gingen met daan van 't hof mee", "[person] en ik gingen met [person] mee"),
        # A first name that is also a word stays a word; so do handles and hashtags.
        ("ik ben met jan en roos naar de markt", "ik ben met jan en roos naar de markt"),
        ("bas en tom spelen jasper", "bas en tom spelen jasper"),
        ("erna de lieve collega's bedankt, and nothing else",
         "erna de lieve collega's bedankt, and nothing else"),
        ("a pili-pili margherita for #femke", "a pili-pili margherita for #femke"),
    ],
)
def test_a_name_in_lower_case_is_redacted_when_it_is_no_word(text, shown):
    assert redact(text, author="me") == shown


def test_a_name_in_the_posts_contact_details_is_redacted_even_where_it_is_a_word():
    post = ("noel in the distributor had one out in 4 hrs. noel.cashman@example.com, tell him "
            "dazza sent ya")
    names = contact_names(post, author="@sparky_cork")
    assert names == {"noel"}
    excerpt = "noel in the distributor had one out in 4 hrs."
    assert redact(excerpt, "@sparky_cork", names=names) == (
        "[person] in the distributor had one out in 4 hrs.")
    # The author's own handle teaches nothing: their name stays.
    assert contact_names("joris here, @joris_v on mastodon", author="@joris_v") == set()


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("mail femke.dewit@example.com", "mail [email]"),
        ("mail p.vanderlinde@example.nl", "mail [email]"),
        ("with @rhian@social.coop", "with [handle]"),
        ("with @a-yilmaz.bsky.social", "with [handle]"),
        ("cc @lucyparalegal", "cc [handle]"),
        ("bel 06-24 81 93 57", "bel [phone]"),
        ("bel +31 6 4173 2290", "bel [phone]"),
        ("bel 0031 6 12345678", "bel [phone]"),
        ("bel 0513-61 42 80", "bel [phone]"),
        ("bel 0478 21 63 90", "bel [phone]"),
        ("bel +32 470 12 34 56", "bel [phone]"),
        ("bel 0470.12.34.56", "bel [phone]"),
        ("call 020 7946 0317", "call [phone]"),
        ("call +44 7700 900123", "call [phone]"),
        ("call 555-123-4567", "call [phone]"),
        ("call +1 555 123 4567", "call [phone]"),
    ],
)
def test_contact_details_are_replaced(text, shown):
    assert redact(text, author="me") == shown


@pytest.mark.parametrize(
    ("author", "text"),
    [
        ("sannebusje.bsky.social", "see @sannebusje.bsky.social"),
        ("sannebusje.bsky.social", "see @sannebusje"),
        ("sannebusje", "see @sannebusje.bsky.social"),
        ("@karinbuilds", "see @karinbuilds@mastodon.social"),
    ],
)
def test_own_handle_stays_in_any_form(author, text):
    assert redact(text, author=author) == text


@pytest.mark.parametrize(
    "text",
    [
        # products and tools
        "Moved our CI from Jenkins to GitHub Actions and Kubernetes on Azure.",
        "Ik rij nu op een VDL Citea en een Mercedes Sprinter.",
        "Wissel de Omnipod en check de Dexcom.",
        "Built the dashboard in Power BI, then moved it to Looker Studio.",
        # places
        "Vandaag van Zutphen naar Apeldoorn via Deventer, en morgen naar Gent en Brugge.",
        "Moved from Leeds to Manchester, then to London.",
        "Gewerkt in Mariakerke, Ledeberg en Gentbrugge.",
        # organisations
        "Subsidie van de Gemeente Utrecht via het UWV en de Belastingdienst.",
        "Worked at Rabobank, then KPMG and Deloitte.",
        "Hearing at the Employment Tribunal, then the Court of Appeal.",
        "Stage bij het Erasmus MC en het Jeroen Bosch Ziekenhuis.",
        "Overnacht in Hotel Max, daarna naar Ziekenhuis Isala in Zwolle en naar Mol.",
        # acronyms, inner capitals, digits
        "Passed my VCA, NIS2 and IFRS modules; BIG-registratie next.",
        "We use PostgreSQL, iPhone apps, GA4 and ParnasSys.",
        # calendar, languages, common words in titles
        "On Monday in March, before Christmas, I spoke Dutch and English.",
        "TIL: Postgres partial indexes are brilliant. OK, I'm convinced.",
        "P.S. Thanks for reading. Plan A. Then we shipped.",
        # sentence-initial ordinary words
        "Ben benieuwd. Vandaag nieuwe routes. Thanks everyone!",
        "Bills are paid. Dans les ateliers: no names.",  # a first name's -s form that is a word
        "Het Anker is open. De Efteling was druk.",
    ],
)
def test_known_safe_words_stay(text):
    assert redact(text, author="me") == text


def test_criteria_passed_as_protected_stay():
    text = "Refactored the Wagtail admin for our Ruud-platform."
    assert "[person]" in redact(text, author="me")
    assert redact(text, author="me", protected=["Wagtail", "Ruud-platform"]) == text


def test_the_context_rules_first_names_are_redaction_names_too():
    """One home per name: redaction also reads context/first_names.yaml (Oluwaseun, Femi), and
    a name in that list is not repeated in redaction's own."""
    context = context_first_names()
    own = {str(name).lower() for name in load_mapping("redaction/names.yaml")["first_names"]}
    assert context and not context & own
    assert redact("Femi fixed the build. Oluwaseun reviewed it.", author="me") == (
        "[person] fixed the build. [person] reviewed it.")
