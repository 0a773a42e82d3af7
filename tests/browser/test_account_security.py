"""Accounts in a real browser, in English and Dutch: an invitation accepted, a password reset,
an administrator made to set up a code and then logging in with one, a recruiter choosing to.
The mail comes from the real SMTP inbox; every page is checked by axe-core."""

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pyotp
import pytest

from compliance.accounts import Role, create_user
from compliance.db import db
from tests.conftest import PASSWORD, enrol, mail_config, totp_code

NEW_PASSWORD = "a brand new passphrase here"
TEXT = {
    "en-GB": {"email": "E-mail address", "password": "Password", "log_in": "Log in",
              "code": "Code", "new_password": "New password", "forgot": "Forgot your password?",
              "send_link": "Send the link", "save_password": "Save the password",
              "invite": "Invite a user", "name": "Name", "role": "Role",
              "send_invitation": "Send the invitation", "switch_on": "Switch the second factor on",
              "continue": "I have kept them, continue", "set_up": "Set up a second factor",
              "log_out": "Log out", "preferences": "Preferences", "recruiter": "Recruiter",
              "enrol_heading": "Set up a second factor", "code_heading": "Enter your code"},
    "nl-NL": {"email": "E-mailadres", "password": "Wachtwoord", "log_in": "Inloggen",
              "code": "Code", "new_password": "Nieuw wachtwoord", "forgot": "Wachtwoord vergeten?",
              "send_link": "Link versturen", "save_password": "Wachtwoord opslaan",
              "invite": "Een gebruiker uitnodigen", "name": "Naam", "role": "Rol",
              "send_invitation": "Uitnodiging versturen",
              "switch_on": "De tweede factor aanzetten", "continue": "Ik heb ze bewaard, verder",
              "set_up": "Een tweede factor instellen", "log_out": "Uitloggen",
              "preferences": "Voorkeuren", "recruiter": "Recruiter",
              "enrol_heading": "Een tweede factor instellen", "code_heading": "Vul uw code in"},
}
LINK = re.compile(r"http://\S+/(?:invitation|password/reset)/[A-Za-z0-9_-]{43}")


@pytest.fixture(params=["en-GB", "nl-NL"])
def locale(request) -> str:
    return request.param


@pytest.fixture
def page(browser, locale):
    """The page of every test here, once in an English and once in a Dutch browser."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def t(locale) -> dict:
    return TEXT[locale]


@pytest.fixture
def mailing(live_app, live_server, smtp):
    live_app.config.update(mail_config(smtp, PUBLIC_URL=live_server))


def link_in(inbox, to: str) -> str:
    [(recipients, content)] = inbox.messages
    assert recipients == [to]
    body = message_from_bytes(content, policy=policy.default).get_body(("plain",)).get_content()
    inbox.messages.clear()
    return LINK.search(body)[0]


def person(email: str, role: Role, *, second_factor: bool = False):
    user = create_user(email, email.split("@")[0].title(), PASSWORD, role, actor="system")
    db.session.commit()
    if second_factor:
        enrol(user)
    return user


def log_in(page, axe, t, server: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{server}/login")
    axe.check()
    page.get_by_label(t["email"]).fill(email)
    page.get_by_label(t["password"]).fill(password)
    page.get_by_role("button", name=t["log_in"]).click()


def enter_code(page, axe, t, code: str) -> None:
    page.wait_for_url("**/login/code")
    axe.check()
    page.get_by_label(t["code"]).fill(code)
    page.get_by_role("button", name=t["log_in"]).click()


def test_an_invitation_is_accepted(live_app, live_server, mailing, inbox, page, axe, t):
    admin = person("ada@example.test", Role.ADMIN, second_factor=True)
    log_in(page, axe, t, live_server, admin.email)
    enter_code(page, axe, t, totp_code(admin))
    page.wait_for_url("**/admin/users")
    axe.check()
    page.get_by_role("link", name=t["invite"]).click()
    page.wait_for_url("**/admin/users/invite")
    axe.check()
    with page.expect_navigation():
        page.get_by_role("button", name=t["send_invitation"]).click()  # empty: errors at fields
    assert page.get_by_label(t["email"]).get_attribute("aria-invalid") == "true"
    axe.check()
    page.get_by_label(t["name"]).fill("Ron Recruiter")
    page.get_by_label(t["email"]).fill("ron@example.test")
    page.get_by_label(t["role"]).select_option("recruiter")
    page.get_by_role("button", name=t["send_invitation"]).click()
    page.wait_for_url("**/admin/users")
    assert page.locator("#invitations").is_visible()
    axe.check()
    link = link_in(inbox, "ron@example.test")
    page.get_by_role("button", name=t["log_out"]).click()
    page.wait_for_url("**/login")
    axe.check()

    page.goto(link)
    axe.check()
    page.get_by_label(t["new_password"]).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t["save_password"]).click()
    page.wait_for_url("**/login")
    axe.check()
    log_in(page, axe, t, live_server, "ron@example.test", NEW_PASSWORD)
    page.wait_for_url("**/dashboard")
    axe.check()
    page.goto(link)  # used: the page says so
    assert page.locator("h1").inner_text() in ("This link no longer works",
                                               "Deze link werkt niet meer")
    axe.check()


def test_a_password_is_reset(live_app, live_server, mailing, inbox, page, axe, t):
    rita = person("rita@example.test", Role.RECRUITER)
    page.goto(f"{live_server}/login")
    axe.check()
    page.get_by_role("link", name=t["forgot"]).click()
    page.wait_for_url("**/password/forgot")
    axe.check()
    page.get_by_label(t["email"]).fill(rita.email)
    with page.expect_navigation():
        page.get_by_role("button", name=t["send_link"]).click()
    axe.check()
    link = link_in(inbox, rita.email)
    page.goto(link)
    axe.check()
    page.get_by_label(t["new_password"]).fill("short")
    with page.expect_navigation():
        page.get_by_role("button", name=t["save_password"]).click()
    assert page.get_by_label(t["new_password"]).get_attribute("aria-invalid") == "true"
    axe.check()
    page.get_by_label(t["new_password"]).fill(NEW_PASSWORD)
    page.get_by_role("button", name=t["save_password"]).click()
    page.wait_for_url("**/login")
    axe.check()
    log_in(page, axe, t, live_server, rita.email, NEW_PASSWORD)
    page.wait_for_url("**/dashboard")
    axe.check()


def test_an_admin_must_set_up_a_code_then_logs_in_with_one(live_app, live_server, page, axe, t):
    admin = person("ada@example.test", Role.ADMIN)
    log_in(page, axe, t, live_server, admin.email)
    page.wait_for_url("**/preferences/second-factor")
    assert page.get_by_role("heading", name=t["enrol_heading"]).is_visible()
    assert page.locator("svg.qr").is_visible()
    axe.check()
    page.goto(f"{live_server}/admin/users")  # nothing else before the code is set up
    page.wait_for_url("**/preferences/second-factor")
    axe.check()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    assert page.locator("#totp-uri").get_attribute("href").startswith("otpauth://totp/")
    enrolment_code, enrolment_step = totp.now(), totp.timecode(datetime.now(UTC))
    page.get_by_label(t["code"]).fill(enrolment_code)
    with page.expect_navigation():
        page.get_by_role("button", name=t["switch_on"]).click()
    assert page.locator("#recovery-codes li").count() == 10
    axe.check()
    page.get_by_role("link", name=t["continue"]).click()
    page.wait_for_url("**/admin/users")
    axe.check()
    page.get_by_role("button", name=t["log_out"]).click()
    page.wait_for_url("**/login")
    axe.check()
    log_in(page, axe, t, live_server, admin.email)
    page.wait_for_url("**/login/code")
    axe.check()
    page.get_by_label(t["code"]).fill(enrolment_code)  # used once already: refused
    with page.expect_navigation():
        page.get_by_role("button", name=t["log_in"]).click()
    assert page.get_by_label(t["code"]).get_attribute("aria-invalid") == "true"
    axe.check()
    # The app's next code (or the current one, once the clock has moved past the enrolment's).
    step = max(enrolment_step + 1, totp.timecode(datetime.now(UTC)))
    page.get_by_label(t["code"]).fill(totp.generate_otp(step))
    page.get_by_role("button", name=t["log_in"]).click()
    page.wait_for_url("**/admin/users")
    axe.check()


def test_a_recruiter_chooses_a_code_and_logs_in_with_a_recovery_code(live_app, live_server,
                                                                     page, axe, t):
    rita = person("rita@example.test", Role.RECRUITER)
    log_in(page, axe, t, live_server, rita.email)
    page.wait_for_url("**/dashboard")
    axe.check()
    page.get_by_role("link", name=t["preferences"]).click()
    page.wait_for_url("**/preferences")
    axe.check()
    page.get_by_role("link", name=t["set_up"]).click()
    page.wait_for_url("**/preferences/second-factor")
    axe.check()
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label(t["code"]).fill(totp.now())
    with page.expect_navigation():  # the codes are read off the next page, not this one
        page.get_by_role("button", name=t["switch_on"]).click()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    axe.check()
    page.get_by_role("button", name=t["log_out"]).click()
    page.wait_for_url("**/login")
    axe.check()
    log_in(page, axe, t, live_server, rita.email)
    enter_code(page, axe, t, codes[0])
    page.wait_for_url("**/dashboard")
    axe.check()
