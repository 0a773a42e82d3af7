"""The candidate's way out of a dead end, in Chromium, in English and Dutch: a dead link, an
upload that is too large, a mistyped account. axe-core checks every page."""

import re
from datetime import timedelta

import pytest

from compliance import tokens
from compliance.accounts import Role, create_user
from compliance.consent import SourceAnswer, current
from compliance.db import db
from compliance.organisation import update_settings
from compliance.outbox import OutboxMessage
from compliance.tokens import Purpose
from screening.candidates import add_candidate
from screening.case import answer_consent, request_consent
from screening.sources.addresses import ALLOW_PRIVATE_ENV
from screening.vacancies import create_vacancy
from tests.conftest import PASSWORD, vacancy_values
from tests.screening.case.conftest import FAST, POSTS, feed
from tests.screening.sources.conftest import _server4, reply  # noqa: F401

MB = 1024 * 1024
HTML = b"<!doctype html><html><head><title>Home</title></head><body>Hi</body></html>"
WORDS = {
    "en": {"dead": "This link no longer works", "email": "Your e-mail address",
           "send": "Send me a new link", "sent": "Look in your e-mail",
           "portal": "Your screening for", "upload": "Upload", "platform": "Platform",
           "file": "Export file", "too_large": "This file is larger than 1 MB",
           "correct": "Correct or remove an account", "example": "For example: https://",
           "save": "Save my accounts", "unread": "We could not read this account",
           "keep": "Keep Blog or feed (RSS/Atom) as I typed it",
           "corrected": "Your accounts are corrected."},
    "nl": {"dead": "Deze link werkt niet meer", "email": "Je e-mailadres",
           "send": "Stuur me een nieuwe link", "sent": "Kijk in je e-mail",
           "portal": "Je screening voor", "upload": "Uploaden", "platform": "Platform",
           "file": "Exportbestand", "too_large": "groter dan 1 MB",
           "correct": "Een account verbeteren of verwijderen", "example": "Bijvoorbeeld: https://",
           "save": "Mijn accounts opslaan", "unread": "We konden dit account niet lezen",
           "keep": "Blog of feed (RSS/Atom) houden zoals ik het typte",
           "corrected": "Je accounts zijn verbeterd."},
}


@pytest.fixture
def sources(_server4, monkeypatch, live_app):  # noqa: F811
    _server4.routes.clear()
    _server4.requests.clear()
    _server4.route("/feed.xml", lambda h: reply(h, 200, feed(POSTS), "application/rss+xml"))
    _server4.serve("/home", HTML, "text/html")
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    live_app.config["SOURCE_CLIENT_SETTINGS"] = FAST
    return _server4


def agreed_case(language: str, sources_: list[str], answers: list[SourceAnswer]):
    """A candidate who agreed, made through the same operations the pages call."""
    owner = create_user("rita@example.test", "Rita Recruiter", PASSWORD, Role.RECRUITER,
                        actor="system")
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    vacancy = create_vacancy(vacancy_values(allowed_sources=sources_), owner=owner)
    candidate = add_candidate(vacancy, {"name": "Jamie Jansen", "email": "jamie@example.org",
                                        "language": language}, actor=owner)
    request_consent(candidate, actor=owner)
    answer_consent(candidate, answers, talent_pool=False)
    db.session.commit()
    return candidate


def portal_link(candidate, lifetime=timedelta(days=1)) -> str:
    raw = tokens.issue(candidate.subject, Purpose.PORTAL, lifetime)
    db.session.commit()
    return f"/portal/{raw}"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_dead_link_offers_a_fresh_one(live_server, page, axe, screenshot, language):
    words = WORDS[language]
    candidate = agreed_case(language, ["rss"], [SourceAnswer("rss", "https://example.com/f", True)])
    page.goto(live_server + portal_link(candidate, timedelta(seconds=-1)))
    axe.check()
    assert page.get_by_role("heading", name=words["dead"]).is_visible()
    screenshot("dead-link")
    assert page.locator("a[href*='/login']").count() == 0
    page.get_by_label(words["email"]).fill("Jamie@Example.org")
    page.get_by_role("button", name=words["send"]).click()
    page.get_by_role("heading", name=words["sent"]).wait_for()
    axe.check()
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "fresh_link")).one()
    fresh = re.search(r"https?://\S+(/portal/[\w-]+)", str(message.body)).group(1)
    page.goto(live_server + fresh)
    axe.check()
    assert page.get_by_role("heading", name=re.compile(words["portal"])).is_visible()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_too_large_upload_stays_in_the_portal(live_app, live_server, page, axe, screenshot,
                                                language):
    words = WORDS[language]
    live_app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    candidate = agreed_case(language, ["x-archive"], [SourceAnswer("x-archive", None, True)])
    link = portal_link(candidate)
    page.goto(live_server + link)
    axe.check()
    page.get_by_label(words["file"]).set_input_files(
        files=[{"name": "twitter.zip", "mimeType": "application/zip", "buffer": b"\0" * 2 * MB}])
    page.get_by_role("button", name=words["upload"], exact=True).click()
    page.locator("#export-error").wait_for()
    axe.check()
    assert words["too_large"] in page.locator("#export-error").inner_text()
    screenshot("upload-too-large")
    assert page.locator("#export").get_attribute("aria-invalid") == "true"
    assert page.locator("a.brand").get_attribute("href") == link  # back to their own page
    assert page.locator("a[href*='/login']").count() == 0


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_mistyped_account_is_corrected_after_a_check(live_server, page, axe, sources,
                                                       screenshot, language):
    words = WORDS[language]
    typo = sources.url("/home")  # a web page, not the feed
    candidate = agreed_case(language, ["rss"], [SourceAnswer("rss", typo + "x", True)])
    page.goto(live_server + portal_link(candidate))
    axe.check()
    page.get_by_role("link", name=words["correct"]).click()
    page.get_by_role("button", name=words["save"]).wait_for()
    axe.check()
    field = page.locator("#account-rss")
    assert words["example"] in page.locator("#account-rss-hint").inner_text()
    field.fill(typo)
    page.get_by_role("button", name=words["save"]).click()
    page.locator("#account-rss-error").wait_for()
    axe.check()
    assert words["unread"] in page.locator("#account-rss-error").inner_text()
    screenshot("account-not-answering")
    field.fill(sources.url("/feed.xml"))
    page.get_by_role("button", name=words["save"]).click()
    page.get_by_text(words["corrected"]).wait_for()
    axe.check()
    db.session.rollback()
    assert current(candidate.subject)["rss"][0] == sources.url("/feed.xml")
    assert sources.hits("/feed.xml") == 1 and sources.hits("/home") == 1


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_account_that_does_not_answer_can_be_kept(live_server, page, axe, sources,
                                                     language):
    words = WORDS[language]
    candidate = agreed_case(language, ["rss"], [SourceAnswer("rss", sources.url("/feed.xml"),
                                                             True)])
    page.goto(live_server + portal_link(candidate) + "/accounts")
    axe.check()
    page.locator("#account-rss").fill(sources.url("/home"))
    page.get_by_role("button", name=words["save"]).click()
    page.get_by_label(words["keep"]).check()
    axe.check()
    page.get_by_role("button", name=words["save"]).click()
    page.get_by_text(words["corrected"]).wait_for()
    axe.check()
    db.session.rollback()
    assert current(candidate.subject)["rss"][0] == sources.url("/home")
