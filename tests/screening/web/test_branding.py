"""The employer's name and logo where a candidate meets them: the portal's header, the e-mail
(read from a real SMTP server) and the access report PDF."""

import html
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from io import BytesIO

import pytest
from pypdf import PdfReader

from compliance import branding, tokens
from compliance.organisation import get_settings, update_settings
from compliance.outbox import send_mail
from compliance.reports.pdfa import conformance
from compliance.reports.records import render_record
from compliance.tokens import Purpose
from screening.case import request_consent
from screening.reports import access_report
from tests.compliance.reports.conftest import pdf_text
from tests.compliance.test_branding import png
from tests.conftest import mail_config

CONTROLLER = {"controller_name": "Acme Holding N.V.", "controller_address": "Damrak 1",
              "dpo_contact": "dpo@acme.test"}
STRICT = policy.SMTP.clone(raise_on_defect=True)
# A name that tries to become a header and markup: it stays text everywhere.
NAME = "Acme & Zonen <b>B.V.</b>\r\nBcc: x@evil.example"
MARKUP = "Acme & Zonen <b>B.V.</b>"  # as the settings form takes it: no control characters
SHOWN = "Acme & Zonen <b>B.V.</b> Bcc: x@evil.example"


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp)


def brand(db, name: str = NAME, logo: bool = True) -> None:
    update_settings({**CONTROLLER, "display_name": name}, actor="system")
    if logo:
        branding.set_logo(branding.clean_logo(png()), actor="system")
    db.session.commit()


def asked(db, candidate) -> None:
    if not get_settings().controller_name:  # a consent request names the controller
        update_settings(CONTROLLER, actor="system")
    request_consent(candidate, actor=candidate.vacancy.owner)
    db.session.commit()


def portal_of(db, candidate) -> str:
    """The candidate's portal link, as their e-mail has it (a sent mail's text is not kept)."""
    asked(db, candidate)
    token = tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(days=30))
    db.session.commit()
    return f"/portal/{token}"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_mail_is_from_the_organisation_and_says_so_first(db, inbox, make_candidate,
                                                            language):
    brand(db, name="Acme Zonen B.V.")
    candidate = make_candidate(language=language)
    asked(db, candidate)
    [(recipients, content)] = inbox.messages
    email = BytesParser(policy=STRICT).parsebytes(content)
    assert email["From"].addresses[0].display_name == "Acme Zonen B.V."
    assert email["From"].addresses[0].addr_spec == "jobs@acme.test"
    first = email.get_body().get_content().splitlines()[0]
    assert first == {"en": "Sender: Acme Zonen B.V.",
                     "nl": "Afzender: Acme Zonen B.V."}[language]


def test_a_name_that_tries_to_be_a_header_stays_the_display_name(db, inbox, make_candidate):
    brand(db)
    asked(db, make_candidate())
    [(recipients, content)] = inbox.messages
    assert recipients == ["jamie@example.org"]  # no Bcc reached the envelope
    email = BytesParser(policy=STRICT).parsebytes(content)
    assert "Bcc" not in email
    assert email["From"].addresses[0].display_name == SHOWN


def test_without_a_display_name_the_controller_writes(db, inbox, make_candidate):
    asked(db, make_candidate())
    email = BytesParser(policy=STRICT).parsebytes(inbox.messages[0][1])
    assert email["From"].addresses[0].display_name == "Acme Holding N.V."
    assert email.get_body().get_content().splitlines()[0] == "Sender: Acme Holding N.V."


def test_without_any_name_the_mail_is_from_the_product_as_before(db, inbox):
    send_mail("dpo@acme.test", "Audit log head", "Text.")
    email = BytesParser(policy=STRICT).parsebytes(inbox.messages[0][1])
    assert email["From"] == "Fairscreen <jobs@acme.test>"


def test_the_portal_shows_the_logo_named_for_the_organisation(client, db, inbox,
                                                              make_candidate):
    brand(db, name=MARKUP)
    portal = portal_of(db, make_candidate())
    page = client.get(portal).get_data(as_text=True)
    digest = branding.current_brand().logo_hash
    assert (f'<img class="brand-logo" src="/brand/logo-{digest}.png" '
            f'alt="{html.escape(MARKUP)}">') in page
    assert "<b>B.V.</b>" not in page  # the name is text, never markup


def test_without_a_logo_the_portal_shows_the_name(client, db, inbox, make_candidate):
    brand(db, name="Acme Careers", logo=False)
    portal = portal_of(db, make_candidate())
    page = client.get(portal).get_data(as_text=True)
    assert '<a class="brand" href="' in page and '">Acme Careers</a>' in page
    assert "brand-logo" not in page


def test_the_access_report_names_the_organisation_and_embeds_its_logo(db, make_candidate):
    brand(db, name="Acme Careers")
    pdf = render_record(access_report(make_candidate(), actor="candidate"), lang="en")
    assert pdf_text(pdf).startswith("Acme Careers")
    pages = PdfReader(BytesIO(pdf)).pages  # the pages share one resource dictionary
    assert {image.data for page in pages for image in page.images} == {
        pages[0].images[0].data}
    assert pages[0].images[0].image.size == (40, 20)
    assert conformance(pdf) == ("3", "B")
