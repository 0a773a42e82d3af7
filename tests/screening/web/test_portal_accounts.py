"""The candidate's accounts in the portal: seen, corrected (checked first) or removed, between
runs only."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import pytest

from compliance.audit import AuditAction, AuditEvent
from compliance.consent import current
from screening.lifecycle import CaseState
from screening.models import Candidate
from screening.runs import Finding
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
from tests.screening.case.test_case_flow import links
from tests.screening.sources.conftest import recorded, reply

JSON = "application/json; charset=utf-8"
HTML = b"<!doctype html><html><head><title>Home</title></head><body>Hi</body></html>"


@pytest.fixture
def immediate() -> bool:
    """Whether a queued run runs at once (as it is committed) or waits for a consumer."""
    return True


@pytest.fixture
def app_config(_server4, immediate):
    return {"SOURCE_CLIENT_SETTINGS": FAST, "SOURCE_BASE_URLS": {"github": _server4.base},
            "HUEY_IMMEDIATE": immediate}


@pytest.fixture
def world(server, blog):
    server.serve("/home", HTML, "text/html")
    server.serve("/users/sigmavirus24", recorded("github/github3py-user-sigmavirus24.json"), JSON)
    server.serve("/users/sigmavirus24/events/public",
                 recorded("github/github3py-user-public-events-sigmavirus24-page1.json"), JSON)
    server.serve("/users/sigmavirus24/repos",
                 recorded("github/github3py-user-repos-dstufft-page1.json"), JSON)
    server.route("/other.xml", lambda h: reply(h, 200, recorded(
        "atom/rsparser-daringfireball.atom"), "application/atom+xml"))
    return server


@pytest.fixture
def portal(client, db, login, recruiter, case_candidate, world, blog) -> str:
    """Agreed to the blog and GitHub; the recruiter stays logged in."""
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    answer = client.post(links(db, "consent_request")["consent"], data={
        "agree-rss": "yes", "account-rss": blog, "agree-github": "yes",
        "account-github": "sigmavirus24", "agree-x-archive": "no"})
    assert answer.status_code == 302
    return answer.headers["Location"]


def accounts_of(db, candidate) -> dict[str, str]:
    db.session.rollback()
    subject = db.session.get(Candidate, candidate.id).subject
    return {kind: account for kind, (account, _g) in current(subject).items()}


def test_the_portal_lists_each_account_and_the_form_gives_an_example(client, portal, blog):
    home = client.get(portal).get_data(as_text=True)
    assert blog in home and "sigmavirus24" in home and f"{portal}/accounts" in home
    page = client.get(f"{portal}/accounts").get_data(as_text=True)
    assert "For example: https://example.com/feed.xml" in page
    assert 'aria-describedby="account-rss-hint"' in page
    assert "/login" not in page


def test_a_correction_that_answers_is_saved_encrypted_and_audited_without_it(
        client, db, portal, world, case_candidate):
    other = world.url("/other.xml")
    response = client.post(f"{portal}/accounts", data={"account-rss": other,
                                                       "account-github": "sigmavirus24"})
    assert response.status_code == 302
    assert accounts_of(db, case_candidate) == {"rss": other, "github": "sigmavirus24"}
    assert world.hits("/other.xml") == 1  # checked before it was taken
    raw = db.session.execute(db.text("SELECT account FROM consent_record")).scalars().all()
    assert other not in " ".join(str(v) for v in raw)  # encrypted at rest
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert events.action == AuditAction.CONSENT_GIVEN
    assert "other.xml" not in str(events.details_json) + str(events.objects_json)


def test_an_account_that_does_not_answer_gets_a_field_message_and_can_be_kept(
        client, db, portal, world, case_candidate, blog):
    page_url = world.url("/home")
    refused = client.post(f"{portal}/accounts", data={"account-rss": page_url})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="account-rss-error"' in page and "We could not read this account" in page
    assert 'aria-invalid="true"' in page and 'name="keep-rss"' in page
    assert accounts_of(db, case_candidate)["rss"] == blog
    kept = client.post(f"{portal}/accounts", data={"account-rss": page_url, "keep-rss": "1"})
    assert kept.status_code == 302
    assert accounts_of(db, case_candidate)["rss"] == page_url


def test_a_malformed_account_gets_a_field_message_and_nothing_is_fetched(
        client, db, portal, world, case_candidate):
    before = len(world.requests)
    refused = client.post(f"{portal}/accounts", data={"account-github": "not/a login"})
    assert refused.status_code == 422
    assert 'id="account-github-error"' in refused.get_data(as_text=True)
    assert len(world.requests) == before


def test_removing_an_account_erases_its_findings_and_keeps_the_others(
        client, db, portal, case_candidate, blog):
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    assert db.session.get(Candidate, case_candidate.id).state == CaseState.SCREENED
    kinds = {f.source_kind for f in db.session.scalars(db.select(Finding))}
    assert "rss" in kinds
    response = client.post(f"{portal}/accounts/rss/remove")
    assert response.status_code == 302
    assert accounts_of(db, case_candidate) == {"github": "sigmavirus24"}
    assert "rss" not in {f.source_kind for f in db.session.scalars(db.select(Finding))}
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.CONSENT_WITHDRAWN)).one()
    assert '"sources":["rss"]' in event.details_json
    last = client.post(f"{portal}/accounts/github/remove", follow_redirects=True)
    assert "This is your only account" in last.get_data(as_text=True)
    assert accounts_of(db, case_candidate) == {"github": "sigmavirus24"}


@pytest.mark.parametrize("immediate", [False])
def test_no_correction_while_a_run_is_queued(client, db, portal, world, case_candidate, blog):
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    assert db.session.get(Candidate, case_candidate.id).state == CaseState.SCREENING
    page = client.get(f"{portal}/accounts").get_data(as_text=True)
    assert "cannot be changed now" in page and 'name="account-rss"' not in page
    refused = client.post(f"{portal}/accounts", data={"account-rss": world.url("/other.xml")},
                          follow_redirects=True)
    assert "cannot be changed now" in refused.get_data(as_text=True)
    assert client.post(f"{portal}/accounts/rss/remove").status_code == 302
    assert accounts_of(db, case_candidate)["rss"] == blog


def test_no_correction_after_the_decision(client, db, portal, world, case_candidate, blog):
    client.post(f"/candidates/{case_candidate.id}/screening")
    client.post(f"/candidates/{case_candidate.id}/decision", data={"decision": "hired"})
    assert f"{portal}/accounts" not in client.get(portal).get_data(as_text=True)
    client.post(f"{portal}/accounts", data={"account-rss": world.url("/other.xml")})
    client.post(f"{portal}/accounts/rss/remove")
    assert accounts_of(db, case_candidate) == {"rss": blog, "github": "sigmavirus24"}


def test_the_consent_form_checks_each_account_and_lets_one_be_kept(client, db, login, recruiter,
                                                                   case_candidate, world):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    link = links(db, "consent_request")["consent"]
    form = {"agree-rss": "yes", "account-rss": world.url("/home"), "agree-github": "yes",
            "account-github": "sigmavirus24", "agree-x-archive": "no"}
    page = client.get(link).get_data(as_text=True)
    assert "For example: https://example.com/feed.xml" in page and "For example: octocat" in page
    refused = client.post(link, data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="account-rss-error"' in page and 'name="keep-rss"' in page
    assert 'id="account-github-error"' not in page and 'name="keep-github"' not in page
    assert accounts_of(db, case_candidate) == {}
    kept = client.post(link, data={**form, "keep-rss": "1"})
    assert kept.status_code == 302
    assert accounts_of(db, case_candidate) == {"rss": world.url("/home"),
                                               "github": "sigmavirus24"}
