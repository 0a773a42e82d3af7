"""A candidate's pages in Debian's Chromium, in Dutch and English: words from the catalogue, one
form of address, no codes or timestamps, and axe-core on every page."""

import re

import pytest

from compliance.accounts import Role, create_user
from compliance.db import db
from compliance.organisation import update_settings
from compliance.outbox import OutboxMessage
from screening.candidates import add_candidate
from screening.case import request_consent
from screening.vacancies import create_vacancy
from tests.conftest import PASSWORD, vacancy_values
from tests.rendered import offences, page_texts
from tests.screening.sources.conftest import recorded

WORDS = {
    "nl": {"agree": "Ik ga akkoord", "send": "Mijn antwoord versturen",
           "basis": "gerechtvaardigd belang", "empty": "Vul het account in, zonder spaties.",
           "upload": "Uploaden", "bad_zip": "het ZIP-bestand kan niet worden geopend",
           "read": "Je export is gelezen.", "access": "Zie alles wat we over je hebben",
           "object": "Ik maak bezwaar tegen deze verwerking", "back": "Terug naar je portaal",
           "withdraw": "Je akkoord intrekken", "withdraw_now": "Nu intrekken",
           "withdrawn": "Je akkoord is ingetrokken."},
    "en": {"agree": "I agree", "send": "Send my answer", "basis": "legitimate interest",
           "empty": "Give the account, without spaces.", "upload": "Upload",
           "bad_zip": "the ZIP file cannot be opened", "read": "Your export was read.",
           "access": "See everything we hold about you", "object": "I object to this processing",
           "back": "Back to your portal", "withdraw": "Withdraw your agreement",
           "withdraw_now": "Withdraw now", "withdrawn": "Your agreement is withdrawn."},
}
# Staff's "u", or consent where the screening rests on an agreement, never reach a Dutch
# candidate ("toestemming" is the talent pool's alone).
NOT_FOR_CANDIDATES = re.compile(r"\b(u|uw)\b|uitdrukkelijke toestemming|toestemming gegeven "
                                r"voor (de )?screening", re.IGNORECASE)


def consent_link(live_app, language: str) -> str:
    recruiter = create_user("rita@example.test", "Rita Recruiter", PASSWORD, Role.RECRUITER,
                            actor="system")
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    vacancy = create_vacancy(vacancy_values(allowed_sources=["rss", "x-archive"],
                                            lookback_years=10,
                                            criteria=["JavaScript", "CSS", "HTML"]),
                             owner=recruiter)
    candidate = add_candidate(vacancy, {"name": "Noor de Vries", "email": "noor@example.org",
                                        "language": language}, actor=recruiter)
    request_consent(candidate, actor=recruiter)
    db.session.commit()
    message = db.session.scalars(db.select(OutboxMessage)).one()
    return re.search(r"https?://\S+/(consent/[\w-]+)", str(message.body)).group(1)


def read(page, axe, language: str) -> str:
    """Check the page as loaded: axe-core, its language, and no code, timestamp or wrong word."""
    axe.check()
    html = page.content()
    assert f'<html lang="{language}">' in html
    texts = page_texts(html)
    assert not offences(texts, language), (page.url, offences(texts, language))
    if language == "nl":
        wrong = NOT_FOR_CANDIDATES.findall(" ".join(texts))
        assert not wrong, (page.url, wrong)
    return " ".join(texts)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_candidate_walks_their_pages_in_their_language(live_app, live_server, page, axe,
                                                         tmp_path, language):
    words = WORDS[language]
    page.goto(f"{live_server}/{consent_link(live_app, language)}")
    text = read(page, axe, language)
    assert words["basis"] in text and words["agree"] in text

    page.locator("#agree-rss-yes").check()
    page.locator("#account-rss").fill("two words")
    with page.expect_navigation():
        page.get_by_role("button", name=words["send"]).click()
    text = read(page, axe, language)
    field = page.locator("#account-rss")
    assert field.get_attribute("aria-invalid") == "true"
    assert "account-rss-error" in field.get_attribute("aria-describedby")
    assert page.locator("#account-rss-error").inner_text() == words["empty"]

    page.locator("#account-rss").fill("https://blog.example.org/feed.xml")
    page.locator("#agree-x-archive-yes").check()
    page.get_by_role("button", name=words["send"]).click()
    # The feed is checked before the run and does not answer here (no such host): the form
    # says so in the candidate's words and offers to keep the address as typed.
    page.locator("#keep-rss").wait_for()
    read(page, axe, language)
    page.locator("#keep-rss").check()
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url("**/portal/**")
    read(page, axe, language)

    garbage = tmp_path / "archive.zip"
    garbage.write_bytes(b"PK\x03\x04garbage")
    page.locator("#export").set_input_files(str(garbage))
    with page.expect_navigation():
        page.get_by_role("button", name=words["upload"], exact=True).click()
    text = read(page, axe, language)
    assert words["bad_zip"] in page.locator("#export-error").inner_text()

    tweets = tmp_path / "tweets.js"
    tweets.write_bytes(recorded("twitter/andreruffert-tweets.js"))
    page.locator("#export").set_input_files(str(tweets))
    with page.expect_navigation():
        page.get_by_role("button", name=words["upload"], exact=True).click()
    text = read(page, axe, language)
    assert words["read"] in text

    with page.expect_navigation():
        page.get_by_role("link", name=words["access"]).click()
    read(page, axe, language)
    with page.expect_navigation():
        page.get_by_role("link", name=words["back"]).click()
    read(page, axe, language)
    with page.expect_navigation():
        page.get_by_role("link", name=words["object"]).click()
    read(page, axe, language)
    with page.expect_navigation():
        page.get_by_role("link", name=words["back"]).click()
    read(page, axe, language)
    with page.expect_navigation():
        page.get_by_role("link", name=words["withdraw"]).click()
    read(page, axe, language)
    with page.expect_navigation():
        page.get_by_role("button", name=words["withdraw_now"]).click()
    assert words["withdrawn"] in read(page, axe, language)
