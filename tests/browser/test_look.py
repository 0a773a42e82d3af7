"""How the recruiter's pages look in Chromium, in English and Dutch: states as badges in words,
the case's timeline in order, a visible focus ring, nothing fetched from another origin, and on
paper the record without the controls. axe-core checks every page."""

import pytest

from compliance.accounts import Role, create_user, update_user
from compliance.consent import SourceAnswer
from compliance.db import db
from compliance.organisation import update_settings
from screening.candidates import add_candidate
from screening.case import answer_consent, request_consent
from screening.runs import queue_run
from screening.sources.addresses import ALLOW_PRIVATE_ENV
from screening.vacancies import create_vacancy
from tests.conftest import PASSWORD, mail_config, vacancy_values
from tests.screening.case.conftest import POSTS, feed
from tests.screening.sources.conftest import _server4, reply  # noqa: F401

TEXT = {
    "en": {"asked": "Agreement requested", "screened": "Screened", "done": "Done",
           "timeline": "Timeline of the case", "first": "Added to the vacancy.",
           "finished": "Screening 1 finished: 3 posts looked at, 1 shown.", "planned": "Planned",
           "findings": "Read the findings", "vacancy": "Backend developer"},
    "nl": {"asked": "Akkoord gevraagd", "screened": "Gescreend", "done": "Afgerond",
           "timeline": "Verloop van de zaak", "first": "Toegevoegd aan de vacature.",
           "finished": "Screening 1 klaar: 3 berichten bekeken, 1 getoond.", "planned": "Gepland",
           "findings": "Bevindingen lezen", "vacancy": "Backend developer"},
}


@pytest.fixture
def cases(live_app, _server4, monkeypatch):  # noqa: F811
    """Three candidates: one just added, one asked, one agreed and screened against a feed."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    _server4.routes.clear()
    blog = _server4.route("/feed.xml",
                          lambda h: reply(h, 200, feed(POSTS), "application/rss+xml"))
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1, Amsterdam",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    owner = create_user("rita@example.test", "Rita Recruiter", PASSWORD, Role.RECRUITER,
                        actor="system")
    vacancy = create_vacancy(vacancy_values(
        criteria=["Python", "Django", "PostgreSQL", "pytest"], allowed_sources=["rss"]),
        owner=owner)
    made = {}
    for name in ("Ada Added", "Bo Asked", "Cas Screened"):
        made[name] = add_candidate(vacancy, {"name": name, "email": "x@example.org",
                                             "language": "en"}, actor=owner)
    request_consent(made["Bo Asked"], actor=owner)
    request_consent(made["Cas Screened"], actor=owner)
    answer_consent(made["Cas Screened"], [SourceAnswer("rss", blog, True)], talent_pool=False)
    queue_run(made["Cas Screened"], actor=owner)
    db.session.commit()  # the run is carried out now (tasks run at once in the tests)
    return owner, vacancy, {name: c.id for name, c in made.items()}


def focus_ring(page) -> dict:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), tag:
                document.activeElement.tagName}; }""")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_recruiters_pages_look_trustworthy(live_app, live_server, page, axe, cases,
                                               screenshot, language):
    owner, vacancy, ids = cases
    update_user(owner, actor="system", language=language)
    db.session.commit()
    text = TEXT[language]
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto(f"{live_server}/login")
    axe.check()
    page.locator("#email").fill("rita@example.test")
    page.locator("#password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard")
    axe.check()
    page.keyboard.press("Tab")  # the skip link first, with a ring one can see
    ring = focus_ring(page)
    assert ring["tag"] == "A" and ring["style"] == "solid" and ring["width"] >= 2
    table = page.get_by_role("table").first
    assert table.locator(".badge", has_text=text["asked"]).is_visible()
    assert table.locator(".badge", has_text=text["screened"]).is_visible()
    screenshot(f"dashboard-{language}")

    page.goto(f"{live_server}/vacancies/{vacancy.id}")
    axe.check()
    screenshot(f"vacancy-{language}")

    page.goto(f"{live_server}/candidates/{ids['Cas Screened']}")
    axe.check()
    head = page.locator(".page-head")
    assert head.locator(".badge", has_text=text["screened"]).is_visible()
    assert head.locator(".badge", has_text=text["done"]).is_visible()
    entries = page.locator("ol.timeline > li")
    said = [t.strip() for t in page.locator("ol.timeline .what").all_inner_texts()]
    assert said[0] == text["first"] and text["finished"] in said
    assert page.get_by_role("heading", name=text["timeline"]).is_visible()
    ahead = page.locator("ol.timeline > li.ahead")
    assert ahead.count() == 2 and entries.last.locator(".planned").inner_text() == text["planned"]
    # The page's width holds: nothing pushes it sideways on a phone.
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"candidate-phone-{language}")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(f"candidate-{language}")

    # On paper: no navigation, forms or buttons; the states, the timeline and links' text stay.
    page.emulate_media(media="print")
    assert not page.locator("header.top nav").is_visible()
    assert not page.get_by_role("button").first.is_visible()
    assert not page.get_by_role("link", name=text["findings"]).is_visible()
    assert page.locator("ol.timeline").is_visible() and head.locator(".badge").first.is_visible()
    assert page.get_by_role("link", name=text["vacancy"]).is_visible()
    screenshot(f"candidate-print-{language}")
    page.emulate_media(media="screen")

    page.goto(f"{live_server}/candidates/{ids['Cas Screened']}/findings")
    axe.check()
    page.emulate_media(media="print")
    assert page.locator("article.card").first.is_visible()
    assert not page.locator("header.top nav").is_visible()
    screenshot(f"findings-print-{language}")
    page.emulate_media(media="screen")

    page.goto(f"{live_server}/candidates/{ids['Bo Asked']}")
    axe.check()
    assert page.locator(".page-head .badge", has_text=text["asked"]).is_visible()

    outside = [url for url in requested if not url.startswith(live_server)]
    assert not outside, f"fetched from another origin: {outside}"


COUNSEL_PAGES = [("rights", "/legal/rights"), ("audit", "/legal/audit"),
                 ("erasures", "/legal/retention"), ("reports", "/legal/reports")]


def test_counsels_pages_pass_axe_and_print_without_their_controls(live_app, live_server, page,
                                                                   axe, smtp, screenshot):
    from tests.browser.test_counsel_rights import a_case, log_in

    live_app.config.update(mail_config(smtp))
    a_case("en")
    log_in(page, axe, live_server)
    for name, path in COUNSEL_PAGES:
        page.goto(f"{live_server}{path}")
        axe.check()
        screenshot(name)
        page.emulate_media(media="print")
        assert page.locator("h1").is_visible()
        assert not page.locator("nav").first.is_visible()
        assert page.locator("form button").count() == 0 or not page.locator(
            "form button").first.is_visible()
        if page.locator("table").count():
            assert page.locator("table").first.is_visible()
            # A table keeps to the paper's width: long hashes and lists wrap in their cells.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(f"{name}-print")
        page.emulate_media(media="screen")
