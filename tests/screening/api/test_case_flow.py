"""A case driven by an applicant tracking system: consent, run, findings, decision, replays."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import pytest

from compliance.audit import AuditAction, AuditEvent
from compliance.outbox import OutboxMessage
from screening.models import Candidate
from screening.runs import ScreeningRun
from tests.screening.case.conftest import (  # noqa: F401 (fixtures)
    FAST,
    _server4,
    allow_loopback,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)
from tests.screening.case.test_case_flow import actions, links


@pytest.fixture
def app_config():
    return {"SOURCE_CLIENT_SETTINGS": FAST, "API_RATE_LIMIT": "10000 per minute"}


REJECTION = {"decision": "rejected",
             "reasons": "Another candidate had more Django experience."}


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def agree(client, db, feed_url: str) -> None:
    """Answer the consent request as the candidate does, through the link in the e-mail."""
    form = {"agree-rss": "yes", "account-rss": feed_url, "agree-github": "no",
            "agree-x-archive": "no"}
    answer = client.post(links(db, "consent_request")["consent"], data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]


def test_the_whole_case_through_the_api(api, client, db, recruiter, case_candidate, blog):
    ats = api(recruiter)
    base = f"/api/v1/candidates/{case_candidate.id}"
    too_early = ats.post(f"{base}/screening-runs", headers={"Idempotency-Key": "run-0"})
    assert too_early.status_code == 409
    assert too_early.get_json()["type"] == "urn:fairscreen:problem:illegal-transition"

    asked = ats.post(f"{base}/consent-requests", headers={"Idempotency-Key": "ask-1"})
    assert asked.status_code == 202 and asked.get_json()["state"] == "consent_requested"
    agree(client, db, blog)

    started = ats.post(f"{base}/screening-runs", headers={"Idempotency-Key": "run-1"})
    assert started.status_code == 202, started.get_data(as_text=True)
    run = ats.get(started.headers["Location"]).get_json()
    assert run["status"] == "done"  # the queue runs at once in tests
    assert run["totals"] == {"looked_at": 3, "shown": 1, "withheld": 1, "irrelevant": 1,
                             "not_assessed": 0}

    findings = ats.get(f"{base}/findings").get_json()
    assert len(findings) == 1 and "Django" in findings[0]["excerpt"]
    assert "Pieter de Jong" not in findings[0]["excerpt"]
    viewed = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.FINDINGS_VIEWED)).one()
    assert viewed.objects == {"candidate": case_candidate.id, "run": run["id"]}
    assert viewed.details == {"shown": 1, "basis": "recruiter"}

    rejected = ats.post(f"{base}/decision", json=REJECTION)
    assert rejected.status_code == 409
    assert rejected.get_json()["type"] == "urn:fairscreen:problem:comment-window-open"
    hired = ats.post(f"{base}/decision", json={"decision": "hired"})
    assert hired.status_code == 200 and hired.get_json()["decision"] == "hired"
    twice = ats.post(f"{base}/decision", json={"decision": "hired"})
    assert twice.status_code == 409
    assert twice.get_json()["type"] == "urn:fairscreen:problem:illegal-transition"
    # A decided case is never screened again: no reopening, no new retention clock.
    erase_after = db.session.get(Candidate, case_candidate.id).subject.erase_after
    again = ats.post(f"{base}/screening-runs", headers={"Idempotency-Key": "run-2"})
    assert again.status_code == 409
    assert again.get_json()["type"] == "urn:fairscreen:problem:illegal-transition"
    db.session.rollback()
    after = db.session.get(Candidate, case_candidate.id)
    assert after.state.value == "decided" and after.subject.erase_after == erase_after
    assert count(db, ScreeningRun) == 1
    assert ats.get(base).get_json()["allowed_actions"] == ["erase"]


def test_a_replayed_request_does_the_work_once(api, db, recruiter, case_candidate, client,
                                               blog):
    ats = api(recruiter)
    path = f"/api/v1/candidates/{case_candidate.id}/consent-requests"
    first = ats.post(path, headers={"Idempotency-Key": "same"})
    again = ats.post(path, headers={"Idempotency-Key": "same"})
    assert first.status_code == again.status_code == 202
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(db, OutboxMessage) == 1
    assert actions(db).count(AuditAction.CONSENT_REQUESTED) == 1

    agree(client, db, blog)
    runs = f"/api/v1/candidates/{case_candidate.id}/screening-runs"
    started = ats.post(runs, headers={"Idempotency-Key": "run"})
    replayed = ats.post(runs, headers={"Idempotency-Key": "run"})
    assert replayed.get_json() == started.get_json()
    assert replayed.headers["Location"] == started.headers["Location"]
    assert count(db, ScreeningRun) == 1


def test_a_key_reused_for_another_request_is_refused(api, db, recruiter, case_candidate,
                                                     make_candidate):
    ats = api(recruiter)
    other = make_candidate(case_candidate.vacancy, email="other@example.org")
    ats.post(f"/api/v1/candidates/{case_candidate.id}/consent-requests",
             headers={"Idempotency-Key": "k"})
    reused = ats.post(f"/api/v1/candidates/{other.id}/consent-requests",
                      headers={"Idempotency-Key": "k"})
    assert reused.status_code == 422
    assert reused.get_json()["type"] == "urn:fairscreen:problem:idempotency-key-reused"
    assert count(db, OutboxMessage) == 1


def test_keys_belong_to_their_user(api, db, make_user, case_candidate, recruiter):
    from compliance.accounts import Role

    colleague = make_user(Role.RECRUITER)
    case_candidate.vacancy.assignees.append(colleague)
    db.session.commit()
    path = f"/api/v1/candidates/{case_candidate.id}/consent-requests"
    api(recruiter).post(path, headers={"Idempotency-Key": "shared"})
    theirs = api(colleague).post(path, headers={"Idempotency-Key": "shared"})
    assert theirs.status_code == 202 and "Idempotent-Replayed" not in theirs.headers
    assert count(db, OutboxMessage) == 2


def test_failed_requests_are_not_remembered(api, db, recruiter, case_candidate):
    ats = api(recruiter)
    path = f"/api/v1/candidates/{case_candidate.id}/screening-runs"
    assert ats.post(path, headers={"Idempotency-Key": "k"}).status_code == 409
    assert ats.post(path, headers={"Idempotency-Key": "k"}).status_code == 409


@pytest.mark.parametrize("key", [None, "", "x" * 256])
def test_work_needs_a_sensible_key(api, db, recruiter, case_candidate, key):
    headers = {} if key is None else {"Idempotency-Key": key}
    response = api(recruiter).post(
        f"/api/v1/candidates/{case_candidate.id}/consent-requests", headers=headers)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.get_json()["errors"]
    assert count(db, OutboxMessage) == 0


def test_keys_are_forgotten_after_a_day(api, db, recruiter, case_candidate):
    from datetime import timedelta

    from compliance.db import utcnow
    from screening.api.idempotency import IdempotencyRecord, forget_old_keys

    ats = api(recruiter)
    path = f"/api/v1/candidates/{case_candidate.id}/consent-requests"
    ats.post(path, headers={"Idempotency-Key": "old"})
    db.session.rollback()
    record = db.session.scalars(db.select(IdempotencyRecord)).one()
    record.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    fresh = ats.post(path, headers={"Idempotency-Key": "old"})
    assert fresh.status_code == 202 and "Idempotent-Replayed" not in fresh.headers
    assert count(db, OutboxMessage) == 2
    record = db.session.scalars(db.select(IdempotencyRecord)).one()
    record.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    forget_old_keys()
    assert count(db, IdempotencyRecord) == 0
