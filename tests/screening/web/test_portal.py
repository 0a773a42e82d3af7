"""The candidate portal: uploads, replays, and one candidate never reaching another's data."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import io

import pytest

from compliance.audit import AuditAction, AuditEvent
from compliance.consent import ConsentRecord
from screening.runs import Finding, ScreeningRun
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    app_config,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)
from tests.screening.case.test_case_flow import ask_and_agree, links
from tests.screening.sources.conftest import recorded


def agree_to_x_archive(client, db, login, recruiter, candidate):
    login(recruiter)
    client.post(f"/candidates/{candidate.id}/consent-request")
    response = client.post(links(db, "consent_request")["consent"],
                           data={"agree-x-archive": "yes", "agree-rss": "no",
                                 "agree-github": "no"})
    assert response.status_code == 302
    return response.headers["Location"]


def test_uploaded_export_is_screened_in_memory(client, db, login, recruiter, make_vacancy,
                                               make_candidate):
    vacancy = make_vacancy(owner=recruiter, lookback_years=10, allowed_sources=["x-archive"],
                           criteria=["JavaScript", "CSS", "web components", "HTML"])
    candidate = make_candidate(vacancy)
    portal = agree_to_x_archive(client, db, login, recruiter, candidate)
    assert "Upload your data export" in client.get(portal).get_data(as_text=True)
    data = recorded("twitter/andreruffert-tweets.js")
    response = client.post(f"{portal}/upload", data={
        "kind": "x-archive", "export": (io.BytesIO(data), "tweets.js")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    tally = run.counts["x-archive"]
    assert tally["looked_at"] > 0 and tally["looked_at"] == (
        tally["shown"] + tally["irrelevant"] + sum(tally["withheld"].values()))
    assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == tally["shown"]
    events = db.session.scalars(db.select(AuditEvent.action)).all()
    assert AuditAction.EXPORT_UPLOADED in events


def test_garbage_upload_gets_a_clear_message_and_keeps_nothing(client, db, login, recruiter,
                                                               make_vacancy, make_candidate):
    candidate = make_candidate(make_vacancy(owner=recruiter, allowed_sources=["x-archive"]))
    portal = agree_to_x_archive(client, db, login, recruiter, candidate)
    response = client.post(f"{portal}/upload", data={
        "kind": "x-archive", "export": (io.BytesIO(b"PK\x03\x04garbage"), "archive.zip")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "The export could not be read" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(ScreeningRun)) == 0


def test_upload_for_a_source_without_consent_is_refused(client, db, login, recruiter,
                                                        case_candidate, blog):
    _c, portal = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    response = client.post(f"{portal}/upload", data={
        "kind": "x-archive", "export": (io.BytesIO(b"[]"), "tweets.js")},
        content_type="multipart/form-data")
    assert response.status_code == 404


def test_consent_form_cannot_be_replayed(client, db, login, recruiter, case_candidate, blog):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    link = links(db, "consent_request")["consent"]
    form = {"agree-rss": "yes", "account-rss": blog}
    assert client.post(link, data=form).status_code == 302
    assert client.post(link, data=form).status_code == 404
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsentRecord)) == 3


def test_a_candidate_cannot_reach_another_candidates_findings(client, db, login, recruiter,
                                                              make_candidate, case_candidate,
                                                              blog):
    _c, portal_a = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    client.post(f"/candidates/{case_candidate.id}/screening")
    other = make_candidate(case_candidate.vacancy, email="other@example.org")
    _c, portal_b = ask_and_agree(client, db, login, recruiter, other, blog)
    db.session.rollback()
    finding_of_a = db.session.scalars(db.select(Finding)).one()
    response = client.post(f"{portal_b}/findings/{finding_of_a.id}/context",
                           data={"context": "not mine"})
    assert response.status_code == 404
    db.session.rollback()
    assert db.session.get(Finding, finding_of_a.id).context is None
    assert "Django" not in client.get(portal_b).get_data(as_text=True)



@pytest.mark.parametrize("app_config", [{"PORTAL_RATE_LIMIT": "3 per minute"}])
def test_guessing_links_is_rate_limited(client):
    codes = [client.get("/portal/" + "x" * 43).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
