"""Labels: what a candidate typed or uploaded wrong, said in their language; codes never shown."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _

from compliance.consent import ConsentDecision
from screening.labels import (
    PROBLEMS,
    label,
    long_date,
    long_datetime,
    notice_label,
    redacted,
    source_error_message,
)
from screening.sources import AccountError, SourceError, SourceKind, normalise_account
from screening.sources.errors import Failure, Problem
from screening.sources.exports import read_export

ACCOUNTS = [
    (SourceKind.RSS, "two words", "Vul het account in, zonder spaties."),
    (SourceKind.RSS, "ftp://example.org/feed", "Een feed is een https://-adres"),
    (SourceKind.RSS, "https://user:pw@example.org/feed", "geen gebruikersnaam of wachtwoord"),
    (SourceKind.MASTODON, "https://mastodon.social/about/x", "Een Mastodon-profieladres"),
    (SourceKind.MASTODON, "just-a-name", "Een Mastodon-account ziet eruit als"),
    (SourceKind.BLUESKY, "https://bsky.app/x", "Een Bluesky-profieladres"),
    (SourceKind.BLUESKY, "did:plc:short", "Een Bluesky-DID"),
    (SourceKind.GITHUB, "-bad-", "Een GitHub-accountnaam heeft hoogstens 39 letters"),
    (SourceKind.GITHUB, "https://github.com/a/b", "Een GitHub-profieladres"),
]


@pytest.mark.parametrize(("kind", "typed", "dutch"), ACCOUNTS)
def test_an_account_problem_is_said_in_dutch(app, kind, typed, dutch):
    with pytest.raises(AccountError) as caught:
        normalise_account(kind, typed)
    with force_locale("nl"):
        message = source_error_message(caught.value)
    assert dutch in message
    assert caught.value.message not in message  # the developer's English stays in the logs


EXPORTS = [
    ("notes.txt", b"hello", "dit is geen export die we kennen"),
    ("archive.zip", b"PK\x03\x04garbage", "het ZIP-bestand kan niet worden geopend"),
    ("outbox.json", b"[1, 2]", "outbox.json is niet de outbox van een Mastodon-archief"),
    ("tweets.js", b"window.YTD.tweets.part0 = {not json", "tweets.js is beschadigd"),
]


@pytest.mark.parametrize(("name", "data", "dutch"), EXPORTS)
def test_an_export_problem_is_said_in_dutch(app, name, data, dutch):
    with pytest.raises(SourceError) as caught:
        read_export(name, data)
    with force_locale("nl"):
        assert dutch in source_error_message(caught.value)


def test_a_file_name_in_a_message_is_the_candidates_and_numbers_are_dutch(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(3):
            archive.writestr(f"data/{n}.txt", "x")
    error = SourceError(Failure.INVALID_EXPORT, "the archive has more than 2000 files",
                        Problem.TOO_MANY_FILES, count=2000)
    with force_locale("nl"):
        assert source_error_message(error) == "het ZIP-bestand bevat meer dan 2.000 bestanden"
    with force_locale("en"):
        assert source_error_message(error) == "the ZIP file holds more than 2,000 files"


def test_every_problem_has_words_and_a_problem_without_them_falls_back_to_the_failure(app):
    assert set(PROBLEMS) == set(Problem)
    error = SourceError(Failure.TIMEOUT, "feeds.example.org did not answer in time")
    with force_locale("nl"):
        message = source_error_message(error)
    assert message and "did not answer" not in message


def test_redaction_placeholders_are_translated_and_the_excerpt_stays_escaped(app):
    with force_locale("nl"):
        shown = redacted("<script>x</script> met [person] en [email]")
    assert str(shown) == ("&lt;script&gt;x&lt;/script&gt; met [persoon] en [e-mailadres]")


def test_labels_dates_and_notice_versions_read_as_words(app):
    with force_locale("nl"):
        assert label(ConsentDecision.GIVEN, "consent") == "Akkoord gegeven"
        assert label("given", "pool_consent") == "Toestemming gegeven"
        assert label("talent_pool", "source", "purpose") == "Talentenpool"
        assert notice_label("consent-notice/2/nl") == \
            "de uitleg over de screening, versie 2 (Nederlands)"
        # Stored in UTC, read in the instance's zone (Europe/Amsterdam by default).
        moment = datetime(2026, 12, 4, 17, 44, 4, tzinfo=UTC)
        assert long_datetime(moment) == "4 december 2026 om 18:44 uur"
        assert long_datetime(moment.isoformat()) == "4 december 2026 om 18:44 uur"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_long_dates_say_what_flask_babel_says(app, language):
    """The labels format moments with Babel directly (the locale and zone looked up once per
    locale in force); they must read exactly as Flask-Babel's own formatting would."""
    moments = [datetime(2026, 12, 4, 17, 44, 4, tzinfo=UTC),  # winter time
               datetime(2026, 7, 1, 22, 30, 59, tzinfo=UTC),  # summer time, the next day there
               datetime(2026, 3, 29, 0, 59, 0),  # naive, read as UTC, an hour before the switch
               datetime(2026, 10, 25, 1, 0, 0, tzinfo=UTC)]
    with app.test_request_context("/"), force_locale(language):
        for moment in moments:
            assert long_date(moment) == format_date(moment, "long")
            for seconds, form in ((False, "short"), (True, "medium")):
                expected = _("%(date)s at %(time)s", date=format_date(moment, "long"),
                             time=format_time(moment, form))
                assert long_datetime(moment, seconds=seconds) == expected
        assert long_date(date(2026, 2, 28)) == format_date(date(2026, 2, 28), "long")
        assert long_date(None) == long_datetime("") == ""
