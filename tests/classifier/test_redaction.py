"""Redaction formats: e-mail, handles, phones (NL, BE, UK, US, E.164), names; places stay."""

import pytest

from screening.classifier.redaction import redact


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
        ("Our CTO Maarten approved it.", "[person]", "Maarten"),
        ("Besproken met dr. De Vries.", "[person]", "Vries"),
        ("Thanks to Sarah O'Brien for the review.", "[person]", "O'Brien"),
        ("Co-presenting with Jan-Willem van den Berg.", "[person]", "van den Berg"),
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
