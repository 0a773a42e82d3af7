"""The administrator uploads the organisation's logo and names it; the candidate's portal shows
it from our own origin, in an English and a Dutch browser."""

from datetime import timedelta

import pytest

from compliance import tokens
from compliance.accounts import Role
from compliance.db import db
from compliance.tokens import Purpose
from screening.candidates import add_candidate
from screening.vacancies import create_vacancy
from tests.browser.test_account_security import enter_code, log_in, person
from tests.compliance.test_branding import SVG, png
from tests.conftest import totp_code, vacancy_values

TEXT = {
    "en-GB": {"email": "E-mail address", "password": "Password", "log_in": "Log in",
              "code": "Code", "organisation": "Organisation", "shown": "Name shown to candidates",
              "logo": "Logo", "save": "Save", "not_image": "This file is not a PNG or JPEG image.",
              "saved": "The settings are saved.", "current": "The current logo"},
    "nl-NL": {"email": "E-mailadres", "password": "Wachtwoord", "log_in": "Inloggen",
              "code": "Code", "organisation": "Organisatie", "shown": "Naam die kandidaten zien",
              "logo": "Logo", "save": "Opslaan",
              "not_image": "Dit bestand is geen PNG- of JPEG-afbeelding.",
              "saved": "De instellingen zijn opgeslagen.", "current": "Het huidige logo"},
}


@pytest.fixture(params=["en-GB", "nl-NL"])
def locale(request) -> str:
    return request.param


@pytest.fixture
def page(browser, locale):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def t(locale) -> dict:
    return TEXT[locale]


def portal_link(language: str) -> str:
    recruiter = person("rita@example.test", Role.RECRUITER)
    vacancy = create_vacancy(vacancy_values(), owner=recruiter)
    candidate = add_candidate(vacancy, {"name": "Sanne Bakker", "email": "sanne@example.org",
                                        "language": language}, actor=recruiter)
    db.session.commit()
    token = tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(days=30))
    db.session.commit()
    return f"/portal/{token}"


def test_the_admin_uploads_a_logo_and_the_candidate_sees_it(live_app, live_server, page, axe,
                                                           t, locale):
    admin = person("ada@example.test", Role.ADMIN, second_factor=True)
    log_in(page, axe, t, live_server, admin.email)
    enter_code(page, axe, t, totp_code(admin))
    page.wait_for_url("**/admin/users")
    axe.check()
    page.get_by_role("link", name=t["organisation"]).click()
    page.wait_for_url("**/admin/settings")
    axe.check()

    page.locator("#controller_name").fill("Acme B.V.")
    page.locator("#controller_address").fill("Damrak 1, Amsterdam")
    page.locator("#dpo_contact").fill("dpo@acme.test")
    page.get_by_label(t["shown"]).fill("Acme & Zonen")
    logo = page.get_by_label(t["logo"], exact=True)
    logo.set_input_files({"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG})
    page.get_by_role("button", name=t["save"]).click()
    page.wait_for_load_state("load")
    axe.check()
    # The refusal is next to the field, tied to it for a screen reader; nothing was saved.
    assert page.locator("#logo-error").inner_text() == t["not_image"]
    assert logo.get_attribute("aria-invalid") == "true"
    assert "logo-error" in logo.get_attribute("aria-describedby")
    assert page.get_by_label(t["shown"]).input_value() == "Acme & Zonen"

    logo.set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": png(80, 40)})
    with page.expect_navigation():  # the redirect after the save
        page.get_by_role("button", name=t["save"]).click()
    axe.check()
    assert t["saved"] in page.locator(".flash").inner_text()
    assert page.get_by_role("img", name=t["current"]).is_visible()

    page.goto(live_server + portal_link(locale[:2]))
    axe.check()
    header_logo = page.locator("header .brand-logo")
    assert header_logo.get_attribute("alt") == "Acme & Zonen"
    assert header_logo.get_attribute("src").startswith("/brand/logo-")
    # The browser loaded it from our own origin, under the page's CSP: it has its pixels.
    assert header_logo.evaluate("img => img.complete && img.naturalWidth") == 80
