"""English and Dutch: the user's setting, else the browser's, and a complete Dutch catalogue."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from compliance.accounts import Role

ROOT = Path(__file__).resolve().parents[3]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def test_accept_language_picks_dutch(client):
    page = client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
    text = page.get_data(as_text=True)
    assert '<html lang="nl">' in text and "Inloggen" in text and "Wachtwoord" in text


def test_users_setting_beats_the_browser(client, make_user, login):
    login(make_user(Role.RECRUITER))
    assert client.post("/preferences", data={"language": "nl"}).status_code == 302
    page = client.get("/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Vacatures" in page and "Uitloggen" in page


def test_field_messages_are_translated(client, make_user, login):
    login(make_user(Role.RECRUITER))
    response = client.post("/vacancies/new", data={"title": ""},
                           headers={"Accept-Language": "nl"})
    assert "Dit veld is verplicht." in response.get_data(as_text=True)


def test_dutch_catalogue_is_complete(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([Path(sys.executable).with_name("pybabel"), "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "N_", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with pot.open("rb") as handle:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (ROOT / "translations/nl/LC_MESSAGES/messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    have = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue if m.id}
    missing = sorted(wanted - set(have))
    assert not missing, f"not in the Dutch catalogue (run `make extract`): {missing}"
    untranslated = sorted(k for k in wanted if not have[k].string or "fuzzy" in have[k].flags)
    assert not untranslated, f"no Dutch translation yet: {untranslated}"
    for key in wanted:
        translation = have[key].string
        translation = translation if isinstance(translation, str) else translation[0]
        assert sorted(PLACEHOLDER.findall(key)) == sorted(PLACEHOLDER.findall(translation)), key


def test_templates_follow_a_forced_locale_and_return_to_the_readers(app):
    """Templates keep the catalogue found for a locale (compliance/web/translations.py): a
    mail rendered in the candidate's language inside a staff member's request, and the page
    after it, are each in their own language."""
    page = app.jinja_env.from_string("{{ _('Not found') }}")
    # Each request in an application context of its own, as a server runs it.
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert page.render() == "Not found"
        with force_locale("nl"):
            assert page.render() == "Niet gevonden"
            with force_locale("en"):
                assert page.render() == "Not found"
            assert page.render() == "Niet gevonden"
        assert page.render() == "Not found"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "nl"}):
        assert page.render() == "Niet gevonden"


def test_a_state_named_on_a_page_follows_a_forced_locale(app):
    """State names are kept per locale in force (a list page names the same few many times)."""
    from screening.labels import label
    from screening.models import CaseState

    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = label(CaseState.DECLINED, "case_state")
        with force_locale("nl"):
            dutch = label(CaseState.DECLINED, "case_state")
            assert label(CaseState.DECLINED, "case_state") == dutch
        assert label(CaseState.DECLINED, "case_state") == english
    assert english != dutch and "declined" in english.lower()


def test_the_codes_strings_use_the_kept_catalogue_and_follow_a_forced_locale(app):
    """The code's `_()` and lazy strings go through Flask-Babel's domain, which keeps the
    catalogue of the locale in force as the templates do, and follows force_locale."""
    from flask import g
    from flask_babel import get_domain, gettext, lazy_gettext

    from compliance.web.translations import _KEPT, KeptDomain

    lazy = lazy_gettext("Not found")
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "nl"}):
        assert isinstance(get_domain(), KeptDomain)
        assert gettext("Not found") == str(lazy) == "Niet gevonden"
        locale, kept = getattr(g._flask_babel, _KEPT)  # the code's string kept the catalogue
        assert str(locale) == "nl" and kept.ugettext("Not found") == "Niet gevonden"
        with force_locale("en"):
            assert gettext("Not found") == str(lazy) == "Not found"
        assert gettext("Not found") == "Niet gevonden"
