"""Who carries out a screening run: one consumer at a time, and again if that consumer dies.

Huey's Redis queue hands a task over by popping it, so a consumer killed mid-run takes its task
with it, and a Redis restart without persistence forgets every waiting one. The database is
therefore the record of what must run: a run is taken by one UPDATE that sets it running and
stamps `started_at`, which is the lease and the claim's token at once. A run whose lease lapsed
(its consumer died) or that waited in the queue longer than a lease (its task was lost) is
handed to the queue again by `resume_runs`, which every consumer calls (see `queue.recovery`).
A run ends only while its claim still holds (`hold`), so of two consumers that ever held it,
one writes the result: no duplicate findings, whoever was slow or killed.
"""

import json
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from compliance.audit import AuditAction, AuditEvent, pseudonym
from compliance.db import db, utcnow
from compliance.queue import enqueue, recovery

log = logging.getLogger(__name__)
# Far longer than a run takes (its fetches are bounded in time, its posts in number), so only a
# consumer that died lets a lease lapse. FAIRSCREEN_SCREENING_LEASE_SECONDS changes it.
LEASE_SECONDS = 900
# A run whose consumer died this often is not tried again: it ends failed ("interrupted").
MAX_ATTEMPTS = 3


def lease_seconds() -> float:
    return float(current_app.config.get("SCREENING_LEASE_SECONDS", LEASE_SECONDS))


def claim(run_id: int) -> datetime | None:
    """Take a queued run, or one whose lease lapsed, for this consumer; not yet committed.

    Returns the claim's token (the new `started_at`), or None when the run is finished or held
    by another consumer. One UPDATE checked by its row count: of two racing, exactly one wins.
    """
    from screening.runs import RunStatus, ScreeningRun

    now = utcnow()
    lapsed = now - timedelta(seconds=lease_seconds())
    taken = db.session.execute(
        update(ScreeningRun)
        .where(ScreeningRun.id == run_id,
               or_(ScreeningRun.status == RunStatus.QUEUED,
                   and_(ScreeningRun.status == RunStatus.RUNNING,
                        ScreeningRun.started_at < lapsed)))
        .values(status=RunStatus.RUNNING, started_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()
        return None
    return now


def hold(run_id: int, token: datetime) -> bool:
    """Lock the run for the rest of this transaction if the claim `token` still holds it.

    A consumer whose lease lapsed meanwhile gets False and must write nothing: another one has
    taken the run (or the run was stopped). In PostgreSQL the row stays locked until the
    commit, so a consumer claiming it at that moment waits and then finds it finished.
    """
    from screening.runs import RunStatus, ScreeningRun

    held = db.session.execute(
        update(ScreeningRun)
        .where(ScreeningRun.id == run_id, ScreeningRun.status == RunStatus.RUNNING,
               ScreeningRun.started_at == token)
        .values(started_at=token)
        .execution_options(synchronize_session=False))
    return held.rowcount == 1


def attempts(run) -> int:
    """Count the times the run was started: its `screening.started` events."""
    objects = db.session.scalars(select(AuditEvent.objects_json).where(
        AuditEvent.subject == pseudonym(run.candidate.subject),
        AuditEvent.action == AuditAction.SCREENING_STARTED.value))
    return sum(1 for text in objects if json.loads(text).get("run") == run.id)


@recovery("screening.resume")
def resume_runs() -> int:
    """Hand the queue every run whose task was lost: queued or running past a lease."""
    from screening.runs import RunStatus, ScreeningRun

    lapsed = utcnow() - timedelta(seconds=lease_seconds())
    lost = db.session.scalars(select(ScreeningRun.id).where(or_(
        and_(ScreeningRun.status == RunStatus.QUEUED, ScreeningRun.queued_at < lapsed),
        and_(ScreeningRun.status == RunStatus.RUNNING, ScreeningRun.started_at < lapsed)))
        .order_by(ScreeningRun.id)).all()
    db.session.commit()  # end the read before handing over
    for run_id in lost:
        enqueue("screening.run", run_id)  # the claim keeps it to one consumer
    if lost:
        log.warning("screening: %s runs whose task was lost handed over again", len(lost))
    return len(lost)
