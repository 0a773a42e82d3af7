"""A dead candidate link: a page that explains, and a fresh link to the address on file only."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import re
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import text

from compliance import tokens
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.outbox import OutboxMessage
from compliance.tokens import Purpose
from screening.models import Candidate
from tests.conftest import mail_config
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    FAST,
    _server4,
    allow_loopback,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)

ADDRESS = "jamie@example.org"


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp, SOURCE_CLIENT_SETTINGS=FAST, FRESH_LINK_RATE_LIMIT="3 per hour")


def mailed_links(inbox) -> dict[str, str]:
    """The candidate's links in the last message that reached the SMTP server."""
    body = BytesParser(policy=policy.default).parsebytes(inbox.messages[-1][1])
    pairs = re.findall(r"https?://[^/]+/(consent|portal)/([\w-]+)",
                       body.get_body().get_content())
    return {k: f"/{k}/{v}" for k, v in dict(reversed(pairs)).items()}


@pytest.fixture
def dead(client, db, inbox, login, recruiter, case_candidate, blog) -> str:
    """The candidate's portal link, after it has expired."""
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    portal = mailed_links(inbox)["portal"]
    answer = client.post(mailed_links(inbox)["consent"],
                         data={"agree-rss": "yes", "account-rss": blog})
    assert answer.status_code == 302
    db.session.execute(text("UPDATE access_token SET expires_at = :t"),
                       {"t": (utcnow() - timedelta(seconds=1)).replace(tzinfo=None)})
    db.session.commit()
    client.post("/logout")
    client.get(portal)  # shows, and so clears, the recruiter's last messages
    inbox.messages.clear()
    return portal


def fresh(db) -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "fresh_link")))


def ask(client, link: str, address: str):
    token = link.rsplit("/", 1)[1]
    return client.post(f"/links/{token}/fresh", data={"email": address})


def test_an_expired_link_explains_and_offers_a_fresh_one(client, dead):
    response = client.get(dead)
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This link no longer works" in page and "has expired or was already used" in page
    assert 'name="email"' in page and "/links/" in page
    assert "/login" not in page  # never the staff login


def test_a_dutch_candidate_reads_it_in_dutch_whatever_the_browser(client, db, dead):
    db.session.execute(text("UPDATE candidate SET language = 'nl'"))
    db.session.commit()
    page = client.get(dead, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Deze link werkt niet meer" in page and 'lang="nl"' in page


def test_a_forged_link_reads_in_the_browser_s_language(client):
    page = client.get("/portal/" + "A" * 43, headers={"Accept-Language": "nl"})
    assert page.status_code == 404 and "Deze link werkt niet meer" in page.get_data(as_text=True)


def test_the_address_on_file_gets_a_fresh_link_that_opens_the_portal(client, db, inbox, dead):
    before = {e.id for e in db.session.scalars(db.select(tokens.AccessToken))}
    answer = ask(client, dead, " Jamie@Example.org ")
    assert answer.status_code == 200 and "Look in your e-mail" in answer.get_data(as_text=True)
    [message] = fresh(db)
    assert [m[0] for m in inbox.messages] == [[ADDRESS]]
    link = mailed_links(inbox)["portal"]
    assert client.get(link).status_code == 200
    # Nothing else was invalidated: the earlier tokens are still there, unrevoked.
    assert all(t.revoked_at is None for t in db.session.scalars(db.select(tokens.AccessToken))
               if t.id in before and t.purpose == Purpose.PORTAL)
    [event] = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.LINK_REQUESTED)).all()
    raw = str(event.details_json) + str(event.objects_json)
    assert "jamie" not in raw.lower() and "example.org" not in raw and '"sent":true' in raw


def test_another_address_gets_the_same_answer_and_no_mail(client, db, inbox, dead):
    right = ask(client, dead, ADDRESS).get_data(as_text=True)
    inbox.messages.clear()
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.kind == "fresh_link"))
    db.session.commit()
    wrong = ask(client, dead, "someone@example.org")
    assert wrong.status_code == 200 and wrong.get_data(as_text=True) == right
    assert fresh(db) == [] and inbox.messages == []
    forged = client.post("/links/" + "A" * 43 + "/fresh", data={"email": ADDRESS})
    assert forged.status_code == 200 and forged.get_data(as_text=True) == right
    assert fresh(db) == [] and inbox.messages == []


def test_an_erased_case_sends_nothing(client, db, inbox, dead):
    candidate = db.session.scalars(db.select(Candidate)).one()
    subject_token = tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(days=1))
    db.session.commit()
    assert client.post(f"/portal/{subject_token}/withdraw").status_code == 200
    inbox.messages.clear()
    answer = ask(client, dead, ADDRESS)
    assert answer.status_code == 200 and "Look in your e-mail" in answer.get_data(as_text=True)
    assert fresh(db) == [] and inbox.messages == []


def test_a_mistyped_address_gets_a_field_message(client, dead):
    answer = ask(client, dead, "not an address")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="email-error"' in page and 'aria-invalid="true"' in page


def test_asking_is_rate_limited_per_link_whatever_the_address(client, dead):
    codes = [ask(client, dead, f"guess{n}@example.org").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    page = ask(client, dead, "x@example.org").get_data(as_text=True)
    assert "Wait an hour" in page and "/login" not in page


def test_asking_is_rate_limited_per_address_whatever_the_link(client, db, inbox, dead):
    codes = [ask(client, f"/portal/{n:043d}", ADDRESS).status_code for n in range(3)]
    codes.append(ask(client, dead, ADDRESS.upper()).status_code)
    assert codes == [200, 200, 200, 429]
    assert fresh(db) == []  # the limit held back even the address on file
