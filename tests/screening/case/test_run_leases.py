"""A screening run survives a consumer that dies and a queue that forgets, and never runs twice.

The queue is not consumed here (HUEY_IMMEDIATE off): each test plays the consumers itself by
calling the task's function, at the instants a kill, a slow consumer or a lost task would give.
"""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

from datetime import timedelta

import pytest
from sqlalchemy import update

from compliance import queue
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from screening import run_leases as leases
from screening import runs
from screening.findings import Finding
from screening.runs import RunStatus, ScreeningRun
from tests.screening.case.conftest import FAST
from tests.screening.case.test_case_flow import ask_and_agree


@pytest.fixture
def app_config():
    return {"SOURCE_CLIENT_SETTINGS": FAST, "HUEY_IMMEDIATE": False}


@pytest.fixture
def queued(client, db, login, recruiter, case_candidate, blog) -> int:
    """A run the recruiter started, waiting for a consumer."""
    ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    assert client.post(f"/candidates/{case_candidate.id}/screening").status_code == 302
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.status == RunStatus.QUEUED
    return run.id


def started_by_a_consumer_that_dies(db, run_id: int):
    """Claim the run and record its start, as a consumer does before it fetches; then die."""
    token = leases.claim(run_id)
    assert token is not None
    run = db.session.get(ScreeningRun, run_id, populate_existing=True)
    from compliance import audit

    audit.record(AuditAction.SCREENING_STARTED, actor="system", subject=run.candidate.subject,
                 objects={"candidate": run.candidate_id, "run": run_id}, sources=["rss"])
    db.session.commit()
    return token


def lapse(db, run_id: int, **column) -> None:
    """Move the run's clock back past a lease: its consumer has been gone that long."""
    past = utcnow() - timedelta(seconds=leases.lease_seconds() + 1)
    db.session.execute(update(ScreeningRun).where(ScreeningRun.id == run_id)
                       .values(**{name: past for name in column}))
    db.session.commit()


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def starts(db) -> list[dict]:
    db.session.rollback()
    return [e.details for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.SCREENING_STARTED.value).order_by(AuditEvent.seq))]


def test_a_run_whose_consumer_died_is_handed_over_and_run_once(app, db, queued):
    started_by_a_consumer_that_dies(db, queued)
    assert leases.resume_runs() == 0  # its lease holds: the consumer may still be working
    assert runs.run_screening(queued) is None  # a second copy of the task takes nothing
    lapse(db, queued, started_at=True)
    huey = app.extensions["huey"]
    waiting = huey.pending_count()
    assert leases.resume_runs() == 1 and huey.pending_count() == waiting + 1
    assert runs.run_screening(queued) == RunStatus.DONE
    assert count(db, Finding) == 1
    assert [s.get("attempt") for s in starts(db)] == [None, 2]
    assert leases.resume_runs() == 0 and runs.run_screening(queued) == RunStatus.DONE


def test_a_consumer_whose_lease_lapsed_writes_nothing(app, db, queued):
    slow = started_by_a_consumer_that_dies(db, queued)  # it is only slow, not dead
    lapse(db, queued, started_at=True)
    assert runs.run_screening(queued) == RunStatus.DONE  # another consumer took it over
    events = count(db, AuditEvent)
    run = db.session.get(ScreeningRun, queued)
    assert runs._finish(run, RunStatus.DONE, token=slow) is None  # the slow one ends late
    assert count(db, Finding) == 1 and count(db, AuditEvent) == events
    assert db.session.get(ScreeningRun, queued).status == RunStatus.DONE


def test_a_run_whose_consumers_keep_dying_ends_failed_with_a_reason(app, db, queued):
    for _ in range(leases.MAX_ATTEMPTS):
        started_by_a_consumer_that_dies(db, queued)
        lapse(db, queued, started_at=True)
    assert runs.run_screening(queued) == RunStatus.FAILED
    run = db.session.get(ScreeningRun, queued)
    assert run.error == "interrupted" and run.finished_at is not None
    assert count(db, Finding) == 0
    assert leases.resume_runs() == 0


def test_a_queued_run_the_queue_forgot_is_handed_over_again(app, db, queued):
    """Redis restarted without persistence: the task is gone, the run still says queued."""
    assert leases.resume_runs() == 0  # queued a moment ago: the queue still has it
    lapse(db, queued, queued_at=True)
    handed = queue.recover(app)
    assert handed["screening.resume"] == 1
    assert runs.run_screening(queued) == RunStatus.DONE
    assert count(db, Finding) == 1
