"""The recruiter's tools in a real browser, in English and Dutch: filter and search candidates
(the name never in an address or a Referer), give a colleague a vacancy, switch an e-mail off."""

import pytest

from compliance import staff_mail
from compliance.accounts import Role, create_user, update_user
from compliance.db import db
from screening.candidates import add_candidate
from screening.vacancies import create_vacancy
from tests.conftest import PASSWORD, vacancy_values

TEXT = {
    "en": {"filter": "Filter", "search": "Search", "none": "No candidate matches these filters.",
           "clear": "Clear the filters", "team": "Change who works on it", "save": "Save",
           "preferences": "Preferences", "run_ended": "A screening finished or failed",
           "save_mail": "Save the e-mail choices", "saved": "Your e-mail choices are saved.",
           "one": "1 candidate matches."},
    "nl": {"filter": "Filteren", "search": "Zoeken",
           "none": "Geen kandidaat voldoet aan deze filters.", "clear": "Filters wissen",
           "team": "Wijzigen wie eraan werkt", "save": "Opslaan", "preferences": "Voorkeuren",
           "run_ended": "Een screening klaar of mislukt is", "save_mail": "E-mailkeuzes opslaan",
           "saved": "Uw e-mailkeuzes zijn opgeslagen.", "one": "1 kandidaat gevonden."},
}


@pytest.fixture
def people(live_app):
    owner = create_user("rita@example.test", "Rita Recruiter", PASSWORD, Role.RECRUITER,
                        actor="system")
    colleague = create_user("cas@example.test", "Cas Colleague", PASSWORD, Role.RECRUITER,
                            actor="system")
    backend = create_vacancy(vacancy_values(title="Data engineer"), owner=owner)
    nurse = create_vacancy(vacancy_values(title="Nurse"), owner=owner)
    for vacancy, name, email in [(backend, "Zoë Verbruggen", "zoe@example.org"),
                                 (backend, "Piet de Vries", "piet@example.org"),
                                 (nurse, "Anna Smit", "anna@example.org")]:
        add_candidate(vacancy, {"name": name, "email": email, "language": "en"}, actor=owner)
    db.session.commit()
    return {"owner": owner, "colleague": colleague, "backend": backend}


@pytest.mark.parametrize("language", ["en", "nl"])
def test_search_filter_assign_and_switch_off(live_app, live_server, page, axe, people,
                                             screenshot, language):
    update_user(people["owner"], actor="system", language=language)
    db.session.commit()
    text = TEXT[language]
    addresses: list[str] = []
    page.on("request", lambda r: addresses.extend([r.url, r.headers.get("referer", "")]))

    page.goto(f"{live_server}/login")
    axe.check()
    page.locator("#email").fill("rita@example.test")
    page.locator("#password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard")
    axe.check()

    # Filter by vacancy: a GET, its choice in the address.
    page.locator("#vacancy").select_option(label="Nurse")
    page.get_by_role("button", name=text["filter"], exact=True).click()
    page.wait_for_url("**/dashboard?*vacancy=*")
    assert page.get_by_role("link", name="Anna Smit").is_visible()
    assert page.get_by_role("link", name="Zoë Verbruggen").count() == 0
    axe.check()

    # A name within that filter: nobody; the page says so and offers to clear.
    page.locator("#name").fill("zoe")
    page.get_by_role("button", name=text["search"], exact=True).click()
    page.wait_for_load_state("load")
    assert page.get_by_text(text["none"]).is_visible()
    assert page.locator("#name").input_value() == "zoe"
    axe.check()
    page.get_by_role("link", name=text["clear"]).first.click()
    page.wait_for_url("**/dashboard")
    axe.check()

    # By keyboard: the name alone finds her, accent or not.
    page.locator("#name").fill("zoe")
    page.locator("#name").press("Enter")
    page.wait_for_url("**/dashboard/search")
    assert page.get_by_text(text["one"]).is_visible()
    assert page.locator("#name").input_value() == "zoe"
    screenshot(f"search-{language}")
    axe.check()

    # Give the colleague the vacancy.
    page.get_by_role("link", name="Data engineer").first.click()
    page.wait_for_url("**/vacancies/*")
    axe.check()
    page.get_by_role("link", name=text["team"]).click()
    page.wait_for_url("**/team")
    axe.check()
    page.get_by_label("Cas Colleague").check()
    page.get_by_role("button", name=text["save"]).click()
    page.wait_for_url(f"**/vacancies/{people['backend'].id}")
    assert page.locator("dd", has_text="Cas Colleague").is_visible()
    axe.check()

    # Switch one kind of e-mail off.
    page.get_by_role("link", name=text["preferences"]).click()
    page.wait_for_url("**/preferences")
    axe.check()
    assert page.get_by_label(text["run_ended"]).is_checked()
    page.get_by_label(text["run_ended"]).uncheck()
    page.get_by_role("button", name=text["save_mail"]).click()
    page.wait_for_url("**/preferences")
    assert page.get_by_text(text["saved"]).is_visible()
    assert not page.get_by_label(text["run_ended"]).is_checked()
    axe.check()

    db.session.expire_all()
    assert [u.id for u in people["backend"].assignees] == [people["colleague"].id]
    assert "staff_run_ended" not in staff_mail.enabled_kinds(people["owner"])
    # The name typed reached no address and no Referer.
    seen = " ".join(addresses).lower()
    assert "zoe" not in seen and "zo%c3%ab" not in seen and "verbruggen" not in seen


def test_search_and_filter_work_without_javascript(live_app, live_server, browser, people):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.locator("#email").fill("rita@example.test")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    page.locator("#state").select_option(value="added")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_url("**/dashboard?state=added*")
    assert page.get_by_text("3 candidates match.").is_visible()
    page.locator("#name").fill("smit")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/dashboard/search?state=added")
    assert page.get_by_role("link", name="Anna Smit").is_visible()
    assert page.get_by_role("link", name="Piet de Vries").count() == 0
    context.close()
