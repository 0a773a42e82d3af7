"""Every kind of candidate e-mail through a real SMTP server (aiosmtpd), in English and Dutch.

Each kind is made by the operation that sends it, for a vacancy whose title tries to become a
header. What arrives must hold exactly the headers written, the candidate's address as the only
recipient, the subject and text in the candidate's language, and a link that opens the page it
promises. A kind added to `MessageKind` without a case here fails the first test.
"""

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from compliance import rights, tokens
from compliance.consent import SourceAnswer
from compliance.db import utcnow
from compliance.tokens import Purpose
from screening import expiry
from screening.candidates import decide
from screening.case import answer_consent, request_consent, request_right
from screening.links import send_fresh_link
from screening.models import Decision
from screening.notices import MessageKind, StaffMessageKind
from screening.runs import queue_run
from tests.conftest import mail_config
from tests.screening.case.conftest import FAST
from tests.screening.sources.conftest import reply

ROOT = Path(__file__).resolve().parents[3]
HEADERS = ["From", "To", "Subject", "Date", "Message-ID", "Content-Type",
           "Content-Transfer-Encoding", "MIME-Version"]
STRICT = policy.SMTP.clone(raise_on_defect=True)
TITLE = "Backend developer\r\nBcc: x@evil.example"
SHOWN = "Backend developer Bcc: x@evil.example"  # the title as text, on one line
ADDRESS = "jamie@example.org"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/\S+)")
# Mail to staff, not to candidates: the DPO's digest has its own SMTP test in tests/compliance,
# the recruiters' notices theirs in test_staff_notices.py.
# Staff mail: the DPO's digest, an invitation and a password reset (through the outbox under
# the staff member's mail subject: tests/compliance/test_account_links.py), and the recruiters'
# notices.
STAFF_TEMPLATES = {"audit_head_digest", "invitation", "password_reset"} | {
    kind.value for kind in StaffMessageKind}

K = MessageKind
# (subject, a sentence of the body, where the link the mail is for leads) per kind and language
EXPECTED = {
    (K.CONSENT_REQUEST, "en"): (f"May we look at your public posts for \u201c{SHOWN}\u201d?",
                                "Read exactly what we would look at", "/consent/"),
    (K.CONSENT_REQUEST, "nl"): (
        f"Mogen we je openbare berichten bekijken voor \u201c{SHOWN}\u201d?",
        "Lees precies wat we zouden bekijken", "/consent/"),
    (K.CONSENT_REMINDER, "en"): (
        f"Reminder: may we look at your public posts for \u201c{SHOWN}\u201d?",
        "This is the only reminder.", "/consent/"),
    (K.CONSENT_REMINDER, "nl"): (
        f"Herinnering: mogen we je openbare berichten bekijken voor \u201c{SHOWN}\u201d?",
        "Dit is de enige herinnering.", "/consent/"),
    (K.SCREENED_NOTICE, "en"): (f"What we found in your public posts for \u201c{SHOWN}\u201d",
                                "We looked at the public posts of the accounts you confirmed:",
                                "/portal/"),
    (K.SCREENED_NOTICE, "nl"): (
        f"Wat we vonden in je openbare berichten voor \u201c{SHOWN}\u201d",
        "We hebben de openbare berichten bekeken van de accounts die je bevestigde:", "/portal/"),
    (K.CORRECT_ACCOUNTS, "en"): (f"We could not read your accounts for \u201c{SHOWN}\u201d",
                                 "Please check the addresses of your accounts", "/portal/"),
    (K.CORRECT_ACCOUNTS, "nl"): (f"We konden je accounts voor \u201c{SHOWN}\u201d niet lezen",
                                 "Controleer de adressen van je accounts", "/portal/"),
    (K.TALENT_POOL_RENEWAL, "en"): ("Shall we keep you in our talent pool for another year?",
                                    "Renew your consent for another year, or decline:",
                                    "/talent-pool"),
    (K.TALENT_POOL_RENEWAL, "nl"): ("Zullen we je nog een jaar in onze talentenpool houden?",
                                    "Verleng je toestemming met een jaar, of weiger:",
                                    "/talent-pool"),
    (K.RIGHTS_EXTENDED, "en"): (f"We need more time for your request about \u201c{SHOWN}\u201d",
                                "Why we need more time:\r\nThe archive is off site.", "/portal/"),
    (K.RIGHTS_EXTENDED, "nl"): (
        f"We hebben meer tijd nodig voor je verzoek over \u201c{SHOWN}\u201d",
        "Waarom we meer tijd nodig hebben:\r\nThe archive is off site.", "/portal/"),
    (K.RIGHTS_REFUSED, "en"): (
        f"Our answer to your request about \u201c{SHOWN}\u201d",
        "supervisory authority, Autoriteit Persoonsgegevens,", "/portal/"),
    (K.RIGHTS_REFUSED, "nl"): (
        f"Ons antwoord op je verzoek over \u201c{SHOWN}\u201d",
        "toezichthouder, de Autoriteit Persoonsgegevens,", "/portal/"),
}
FRESH = {
    (K.FRESH_LINK, "en"): (f"Your new link for \u201c{SHOWN}\u201d",
                           "You asked for a new link", "/portal/"),
    (K.FRESH_LINK, "nl"): (f"Je nieuwe link voor \u201c{SHOWN}\u201d",
                           "Je hebt om een nieuwe link gevraagd", "/portal/"),
}
EXPECTED.update(FRESH)
SENDER = {"en": "Sender", "nl": "Afzender"}
GREETING = {"en": "Dear Jamie Jansen,", "nl": "Beste Jamie Jansen,"}
WEB_PAGE = b"<!doctype html><html><head><title>Jamie</title></head><body>Hi!</body></html>"


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp, SOURCE_CLIENT_SETTINGS=FAST)


def asked(db, candidate, recruiter):
    request_consent(candidate, actor=recruiter)
    db.session.commit()


def agreed(db, candidate, recruiter, feed_url: str, talent_pool: bool = False):
    asked(db, candidate, recruiter)
    answer_consent(candidate, [SourceAnswer("rss", feed_url, True)], talent_pool=talent_pool)
    db.session.commit()


# How each kind comes about: the steps before (their mail is not looked at), then the one
# operation that writes the kind's message.
def consent_request(db, inbox, candidate, recruiter, server):
    asked(db, candidate, recruiter)


def consent_reminder(db, inbox, candidate, recruiter, server):
    asked(db, candidate, recruiter)
    inbox.messages.clear()
    assert expiry.remind_unanswered(now=utcnow() + timedelta(days=11, minutes=5)) == 1
    db.session.commit()


def screened_notice(db, inbox, candidate, recruiter, server):
    agreed(db, candidate, recruiter, server.url("/feed.xml"))
    inbox.messages.clear()
    queue_run(candidate, actor=recruiter)
    db.session.commit()  # the run follows the commit, and its notice the run's


def correct_accounts(db, inbox, candidate, recruiter, server):
    home = server.route("/home", lambda h: reply(h, 200, WEB_PAGE, "text/html"))
    agreed(db, candidate, recruiter, home)
    inbox.messages.clear()
    queue_run(candidate, actor=recruiter)
    db.session.commit()


def talent_pool_renewal(db, inbox, candidate, recruiter, server):
    agreed(db, candidate, recruiter, server.url("/feed.xml"), talent_pool=True)
    decide(candidate, Decision.HIRED, actor=recruiter)
    db.session.commit()
    inbox.messages.clear()
    ends = candidate.subject.erase_after
    assert expiry.ask_talent_pool_renewal(now=ends - timedelta(days=29)) == 1
    db.session.commit()


def rights_extended(db, inbox, candidate, recruiter, server):
    request = request_right(candidate, rights.Right.RECTIFICATION)
    db.session.commit()
    rights.extend(request, actor=recruiter, months=2, reasons="The archive is off site.")
    db.session.commit()


def rights_refused(db, inbox, candidate, recruiter, server):
    request = request_right(candidate, rights.Right.RECTIFICATION)
    db.session.commit()
    rights.refuse(request, actor=recruiter, reasons="The date is right as it stands.")
    db.session.commit()


def fresh_link(db, inbox, candidate, recruiter, server):
    agreed(db, candidate, recruiter, server.url("/feed.xml"))
    dead = tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(seconds=-1))
    db.session.commit()
    inbox.messages.clear()
    assert send_fresh_link(dead, ADDRESS.upper())
    db.session.commit()


DRIVERS = {K.CONSENT_REQUEST: consent_request, K.CONSENT_REMINDER: consent_reminder,
           K.SCREENED_NOTICE: screened_notice, K.CORRECT_ACCOUNTS: correct_accounts,
           K.TALENT_POOL_RENEWAL: talent_pool_renewal, K.RIGHTS_EXTENDED: rights_extended,
           K.RIGHTS_REFUSED: rights_refused, K.FRESH_LINK: fresh_link}


def test_every_kind_of_mail_has_a_case():
    assert set(DRIVERS) == set(MessageKind)
    assert set(EXPECTED) == {(kind, lang) for kind in MessageKind for lang in ("en", "nl")}


def test_every_candidate_template_is_a_kind_and_made_in_one_place():
    templates = {path.stem for path in (ROOT / "templates" / "email").glob("*.txt")}
    assert templates - STAFF_TEMPLATES == {kind.value for kind in MessageKind}
    # Candidates' mail is stored only through notices.mail, so its kind is a MessageKind; the
    # only other store is staff mail about their own account, sealed under their mail subject
    # (tests/compliance/test_account_links.py).
    storing = sorted(str(path.relative_to(ROOT)) for package in ("screening", "compliance")
                     for path in (ROOT / package).rglob("*.py")
                     if "outbox.store(" in path.read_text(encoding="utf-8"))
    assert storing == ["compliance/account_links.py", "screening/notices.py"]


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("kind", list(MessageKind))
def test_each_kind_arrives_over_smtp_in_the_candidate_s_language(
        client, db, inbox, recruiter, make_vacancy, make_candidate, blog, server, kind,
        language):
    vacancy = make_vacancy(owner=recruiter, title=TITLE, allowed_sources=["rss"],
                           criteria=["Python", "Django", "PostgreSQL", "pytest"])
    candidate = make_candidate(vacancy, name="Jamie Jansen", email=ADDRESS, language=language)
    DRIVERS[kind](db, inbox, candidate, recruiter, server)

    # The recruiter's own notices (test_staff_notices.py) are not the candidate's mail.
    [(recipients, content)] = [m for m in inbox.messages if m[0] != [recruiter.email]]
    assert recipients == [ADDRESS]  # no Bcc reached the envelope
    email = BytesParser(policy=STRICT).parsebytes(content)
    assert email.keys() == HEADERS
    # The organisation writes, and says so first (compliance/branding.py).
    assert email["From"] == '"Acme B.V." <jobs@acme.test>' and email["To"] == ADDRESS
    subject, sentence, leads_to = EXPECTED[(kind, language)]
    assert email["Subject"] == subject
    body = email.get_body().get_content()
    assert body.splitlines()[:3] == [f"{SENDER[language]}: Acme B.V.", "", GREETING[language]]
    assert sentence in body
    [link, *_others] = [path for path in LINK.findall(body)
                        if leads_to in path and not path.endswith("/withdraw")]
    assert client.get(link).status_code == 200, link  # the page it promises opens
