"""A candidate who agrees to their ActivityPub outbox is screened on it, like any other source."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from screening.runs import Finding, RunStatus, ScreeningRun
from tests.screening.case.conftest import FAST, IRRELEVANT, RELEVANT
from tests.screening.case.test_case_flow import links
from tests.screening.sources.conftest import reply

ACCOUNT = "jamie@social.example"
PUBLIC = ["https://www.w3.org/ns/activitystreams#Public"]


@pytest.fixture
def app_config(server):
    return {"SOURCE_CLIENT_SETTINGS": FAST, "SOURCE_BASE_URLS": {"activitypub": server.base}}


@pytest.fixture
def outbox(server) -> None:
    """WebFinger, the actor and an outbox with a note on the job, a beach walk and a boost."""
    when = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    actor_url, outbox_url = server.url("/users/jamie"), server.url("/users/jamie/outbox")

    def create(n: int, text: str) -> dict:
        return {"type": "Create", "actor": actor_url, "published": when, "to": PUBLIC,
                "object": {"type": "Note", "id": f"{actor_url}/statuses/{n}",
                           "attributedTo": actor_url, "content": f"<p>{text}</p>",
                           "contentMap": {"en": f"<p>{text}</p>"}}}

    documents = {
        "/.well-known/webfinger": ({"subject": f"acct:{ACCOUNT}", "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor_url}]},
            "application/jrd+json"),
        "/users/jamie": ({"type": "Person", "id": actor_url, "outbox": outbox_url},
                         "application/activity+json"),
        "/users/jamie/outbox": ({"type": "OrderedCollection", "orderedItems": [
            create(1, RELEVANT), create(2, IRRELEVANT),
            {"type": "Announce", "actor": actor_url, "published": when, "to": PUBLIC,
             "object": "https://elsewhere.example/notes/9"}]}, "application/activity+json"),
    }
    for path, (body, kind) in documents.items():
        server.route(path, lambda h, b=body, k=kind: reply(h, 200, json.dumps(b).encode(), k))


def test_an_agreed_outbox_is_fetched_and_screened(client, db, login, recruiter, make_vacancy,
                                                  make_candidate, outbox):
    vacancy = make_vacancy(owner=recruiter, criteria=["Python", "Django", "PostgreSQL"],
                           allowed_sources=["activitypub"])
    candidate = make_candidate(vacancy, name="Jamie Jansen", email="jamie@example.org")
    login(recruiter)
    assert client.post(f"/candidates/{candidate.id}/consent-request").status_code == 302
    answer = client.post(links(db, "consent_request")["consent"],
                         data={"agree-activitypub": "yes", "account-activitypub": f"@{ACCOUNT}"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:800]

    assert client.post(f"/candidates/{candidate.id}/screening").status_code == 302
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.status == RunStatus.DONE, run.error
    assert run.progress["activitypub"]["state"] == "ok"
    assert run.counts["activitypub"]["shown"] == 1
    finding = db.session.scalars(db.select(Finding)).one()
    assert finding.source_kind == "activitypub" and "Django" in finding.excerpt


def test_every_fetched_kind_can_be_screened():
    """A kind a connector fetches but the run leaves out is agreed to and never read."""
    from screening.runs import PUBLIC_KINDS
    from screening.sources.fetching import CONNECTORS

    assert set(PUBLIC_KINDS) == set(CONNECTORS)
