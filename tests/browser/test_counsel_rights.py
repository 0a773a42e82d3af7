"""Counsel's rights workflow in Debian's Chromium, in English and in Dutch: extend a request,
hold it, refuse it (the candidate's mail arrives over SMTP naming the regulator), see held
subjects marked on the erasures page, release a hold, and filter the audit log."""

from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import pytest

from compliance import audit, retention, rights
from compliance.accounts import Role, create_user, find_user
from compliance.audit import AuditAction
from compliance.db import db, utcnow
from compliance.organisation import get_settings
from compliance.subjects import RetentionReason, Subject
from screening.candidates import add_candidate
from screening.case import request_right
from screening.vacancies import create_vacancy
from tests.conftest import (
    PASSWORD,
    enrol,
    mail_config,
    totp_code,
    vacancy_values,
)

# What each language shows, and the regulator its organisation's jurisdiction names.
SEEN = {
    "en": {"jurisdiction": "FR", "regulator": "CNIL", "held": "On legal hold",
           "extended": "The deadline is extended", "refused": "The request is refused",
           "missing": "Give the reasons: the candidate receives them.",
           "months": "Choose one or two months.", "kept": "Kept by a legal hold",
           "released": "The legal hold is released.", "hold_action": "Legal hold placed",
           "found": "2 events found."},
    "nl": {"jurisdiction": "NL", "regulator": "Autoriteit Persoonsgegevens",
           "held": "Juridisch geblokkeerd", "extended": "De termijn is verlengd",
           "refused": "Het verzoek is geweigerd",
           "missing": "Geef de redenen: de kandidaat ontvangt ze.",
           "months": "Kies één of twee maanden.", "kept": "Bewaard door een juridische blokkade",
           "released": "De juridische blokkade is opgeheven.",
           "hold_action": "Juridische blokkade ingesteld", "found": "2 gebeurtenissen gevonden."},
}


@pytest.fixture
def counsel_server(live_app, live_server, smtp):
    """The browser tests' live app and server, sending its mail to the test's SMTP server."""
    live_app.config.update(mail_config(smtp))
    return live_server


def a_case(language: str):
    """A counsel, and two candidates: one asking to correct their data, one asking for
    erasure while on hold with a retention date already past."""
    seen = SEEN[language]
    legal = create_user("lee@example.test", "Lee Counsel", PASSWORD, Role.LEGAL, actor="system")
    legal.language = language
    enrol(legal)
    recruiter = create_user("rita@example.test", "Rita", PASSWORD, Role.RECRUITER, actor="system")
    get_settings().jurisdiction = seen["jurisdiction"]
    vacancy = create_vacancy(vacancy_values(title="Backend developer"), owner=recruiter)
    asking = add_candidate(vacancy, {"name": "Jamie Jansen", "email": "jamie@example.org",
                                        "language": language}, actor=recruiter)
    held = add_candidate(vacancy, {"name": "Sam Smit", "email": "sam@example.org",
                                      "language": language}, actor=recruiter)
    db.session.commit()
    correcting = request_right(asking, rights.Right.RECTIFICATION)
    rights.place_hold(held.subject, actor=legal, reason="Claim before the court")
    retention.schedule(held.subject, utcnow() - timedelta(days=1), RetentionReason.DECIDED)
    erasing = request_right(held, rights.Right.ERASURE)
    # An event with a long unbroken value, as exports and reports record their hashes.
    audit.record(AuditAction.AUDIT_EXPORTED, actor=legal, sha256="0123456789abcdef" * 4,
                 subjects=[held.subject_id, asking.subject_id], ok=True)
    db.session.commit()
    return correcting.id, erasing.id, held.subject_id


def log_in(page, axe, server):
    page.goto(f"{server}/login")
    axe.check()
    page.fill("#email", "lee@example.test")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/code")  # counsel must have a second factor
    axe.check()
    page.fill("#code", totp_code(find_user("lee@example.test")))
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard")
    axe.check()


def submit(page, axe, action: str):
    with page.expect_navigation():
        page.locator(f"form[action$='/{action}'] button[type=submit]").click()
    axe.check()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_counsel_extends_holds_refuses_and_releases(counsel_server, page, axe,
                                                    inbox, screenshot, language):
    seen = SEEN[language]
    correcting, erasing, held_subject = a_case(language)
    log_in(page, axe, counsel_server)

    page.goto(f"{counsel_server}/legal/rights")
    axe.check()
    table = page.locator("table").first.inner_text()
    assert "Backend developer" in table and seen["held"] in table
    assert "Claim before the court" in table and "Jamie" not in table and "Sam" not in table
    screenshot("rights")

    page.goto(f"{counsel_server}/legal/rights/{correcting}")
    axe.check()
    submit(page, axe, "extend")  # nothing chosen: a message next to each field
    assert page.locator("#extension_reasons-error").inner_text() == seen["missing"]
    assert page.locator("#months-error").inner_text() == seen["months"]
    assert page.locator("#extension_reasons").get_attribute("aria-invalid") == "true"
    screenshot("extend-error")
    page.locator("#months-2").check()
    page.fill("#extension_reasons", "Our archive is kept off site.")
    submit(page, axe, "extend")
    assert seen["extended"] in page.locator(".flash").inner_text()
    [(recipients, content)] = inbox.messages
    assert recipients == ["jamie@example.org"]
    assert "Our archive is kept off site." in BytesParser(
        policy=policy.SMTP).parsebytes(content).get_body().get_content()

    page.fill("#hold_reason", "Records asked for by the auditor")
    submit(page, axe, "hold")
    assert "Records asked for by the auditor" in page.locator("dl.facts").inner_text()
    page.fill("#refusal_reasons", "The date you name is the one on file.")
    submit(page, axe, "refuse")
    assert seen["refused"] in page.locator(".flash").inner_text()
    assert page.locator("form[action$='/refuse']").count() == 0  # answered: no second answer
    refusal = BytesParser(policy=policy.SMTP).parsebytes(inbox.messages[-1][1])
    body = refusal.get_body().get_content()
    assert "The date you name is the one on file." in body and seen["regulator"] in body

    page.goto(f"{counsel_server}/legal/retention")
    axe.check()
    kept = page.locator("table", has=page.locator("tr.held")).inner_text()
    assert f"{held_subject}" in kept and "Claim before the court" in kept
    assert seen["kept"] in page.locator("h2").all_inner_texts()
    screenshot("erasures")

    page.goto(f"{counsel_server}/legal/rights/{erasing}")
    axe.check()
    page.fill("#release_reason", "The claim is settled.")
    submit(page, axe, "release")
    assert seen["released"] in page.locator(".flash").inner_text()
    db.session.rollback()
    assert db.session.get(Subject, held_subject) is None  # the held erasure is carried out

    page.goto(f"{counsel_server}/legal/audit")
    axe.check()
    page.select_option("#action", "legal_hold.placed")
    page.select_option("#actor", label="Lee Counsel (" + (
        "legal counsel" if language == "en" else "juridisch adviseur") + ")")
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()  # the page's days
    page.fill("#since", today)
    page.fill("#until", today)
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    axe.check()
    assert seen["found"] in page.locator("[role=status]").inner_text()
    rows = page.locator("table.log tbody tr").all_inner_texts()  # the set-up's hold, and ours
    assert len(rows) == 2 and all("Lee Counsel" in row and seen["hold_action"] in row
                                  and "user:" not in row for row in rows)
    screenshot("audit")

    page.set_viewport_size({"width": 800, "height": 900})  # a narrow window: the log wraps
    page.goto(f"{counsel_server}/legal/audit?action=audit.exported")
    axe.check()
    details = page.locator("table.log tbody tr td").last.inner_text()
    assert "0123456789abcdef" in details and "[" not in details and "True" not in details
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("audit-narrow")


def test_the_candidate_page_hold_form_says_what_is_wrong_next_to_the_field(
        counsel_server, page, axe, screenshot):
    from screening.models import Candidate

    correcting, _erasing, _held = a_case("en")
    subject_id = db.session.get(rights.RightsRequest, correcting).subject_id
    candidate = db.session.scalars(db.select(Candidate).where(
        Candidate.subject_id == subject_id)).one()
    log_in(page, axe, counsel_server)
    page.goto(f"{counsel_server}/candidates/{candidate.id}")
    axe.check()
    page.fill("#hold_reason", "   ")
    submit(page, axe, "legal-hold")
    field = page.locator("#hold_reason")
    assert page.locator("#hold_reason-error").inner_text() == SEEN["en"]["missing"]
    assert field.get_attribute("aria-invalid") == "true"
    assert "hold_reason-error" in field.get_attribute("aria-describedby")
    assert field.input_value() == "   "
    screenshot("candidate-hold-error")
    page.fill("#hold_reason", "Records asked for by the auditor")
    submit(page, axe, "legal-hold")
    assert "The legal hold is placed." in page.locator(".flash").inner_text()
    db.session.rollback()
    assert rights.held(db.session.get(Subject, subject_id)).reason == (
        "Records asked for by the auditor")
