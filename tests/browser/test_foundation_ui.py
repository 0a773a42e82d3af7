"""The demo can be logged into and used in a real browser, by keyboard, without JavaScript."""

from compliance.accounts import Role, create_user
from compliance.db import db
from tests.conftest import PASSWORD


def make_recruiter(live_app):
    user = create_user("rita@example.test", "Rita", PASSWORD, Role.RECRUITER, actor="system")
    db.session.commit()
    return user


def test_recruiter_logs_in_and_creates_a_vacancy_and_candidate(live_app, live_server, page,
                                                               screenshot, axe):
    make_recruiter(live_app)
    page.context.set_extra_http_headers({})
    page.goto(f"{live_server}/login")
    screenshot("login")
    axe.check()
    page.get_by_label("E-mail address").fill("rita@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard")
    screenshot("dashboard-empty")
    axe.check()

    with page.expect_navigation():
        page.get_by_role("link", name="New vacancy").click()
    axe.check()
    page.get_by_label("Title").fill("Data engineer")
    page.get_by_label("Job-relevant criteria").fill("Python\nAirflow\nSQL")
    page.get_by_label("GitHub").check()
    page.get_by_label("Purpose").fill("Check published data engineering work.")
    page.get_by_label("Necessity").fill("The role is judged on public code.")
    page.get_by_label("Less intrusive alternatives").fill("Interview only.")
    page.get_by_label("Balancing of interests").fill("Only confirmed accounts, minimal data.")
    page.get_by_label("Lookback (years)").fill("20")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    # A bad value comes back next to its field, with what was typed kept.
    error = page.locator("#lookback_years-error")
    assert error.inner_text() == "Enter a number from 1 to 10."
    assert page.get_by_label("Title").input_value() == "Data engineer"
    assert page.get_by_label("Lookback (years)").get_attribute("aria-invalid") == "true"
    screenshot("vacancy-error")
    axe.check()
    page.get_by_label("Lookback (years)").fill("2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/vacancies/*")
    assert page.get_by_role("heading", name="Data engineer").is_visible()
    axe.check()

    with page.expect_navigation():
        page.get_by_role("link", name="Add a candidate").click()
    axe.check()
    page.get_by_label("Name").fill("Sanne Bakker")
    page.get_by_label("E-mail address").fill("sanne@example.org")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/candidates/*")
    assert page.get_by_role("heading", name="Sanne Bakker").is_visible()
    screenshot("candidate")
    axe.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Dashboard").click()
    assert page.get_by_role("link", name="Sanne Bakker").first.is_visible()
    axe.check()


def test_pages_work_without_javascript(live_app, live_server, browser):
    make_recruiter(live_app)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("E-mail address").fill("rita@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    context.close()
