"""The audit chain: links, checkpoints, append-only tables, and appends from many processes."""

import os
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from compliance import audit, chain, checkpoints
from compliance.audit import AuditAction, AuditEvent
from compliance.checkpoints import AuditCheckpoint
from compliance.verify import verify_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config():
    return {"AUDIT_CHECKPOINT_EVERY": 5, "AUDIT_CHECKPOINT_MINUTES": 60}


def events(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_each_event_links_to_the_one_before(db):
    for i in range(3):
        audit.record(AuditAction.LOGIN_FAILED, actor="system", objects={"user": i}, tries=i)
    db.session.commit()
    first, second, third = events(db)
    assert first.prev_hash == chain.GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert third.hash == chain.link(third.prev_hash, third.content_digest())
    assert third.objects == {"user": 2} and third.details == {"tries": 2}
    assert third.objects_json == '{"user":2}'


def test_details_refuse_structures(db):
    with pytest.raises(TypeError):
        audit.record(AuditAction.LOGIN_FAILED, actor="system", who={"name": "x"})


@pytest.mark.parametrize("value", [{"a": {"b": 1}}, {"a": [1]}, {"a": 1.5}, {"a": True},
                                   {1: 2}, [{"a": 1}]])
def test_details_take_maps_of_counts_only(db, value):
    with pytest.raises(TypeError):
        audit.record(AuditAction.SCREENING_COMPLETED, actor="system", decided_by=value)


def test_details_keep_counts_by_code_in_the_chain(db):
    counts = {"relevance:none": 14, "lexicon:health": 2}
    audit.record(AuditAction.SCREENING_COMPLETED, actor="system", decided_by=counts)
    db.session.commit()
    event = events(db)[-1]
    assert event.details == {"decided_by": counts}
    assert event.details_json == '{"decided_by":{"lexicon:health":2,"relevance:none":14}}'
    assert event.hash == chain.link(event.prev_hash, event.content_digest())
    assert verify_database(checkpoints.instance_public_key()).ok


def test_subject_appears_only_as_a_pseudonym(db, make_candidate):
    candidate = make_candidate(name="Visible Name")
    event = events(db)[-1]
    assert event.subject == audit.pseudonym(candidate.subject)
    assert len(event.subject) == 64 and event.objects == {"candidate": candidate.id,
                                                           "vacancy": candidate.vacancy_id}
    assert "Visible" not in event.objects_json + event.details_json


def test_checkpoints_every_n_events_and_on_time(app, db):
    for _ in range(11):
        audit.record(AuditAction.LOGOUT, actor="system")
    db.session.commit()
    seqs = list(db.session.scalars(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq)))
    assert seqs == [1, 5, 10]  # the first event opens the clock, then every 5th
    app.config["AUDIT_CHECKPOINT_MINUTES"] = 0
    audit.checkpoint_quiet_log()
    assert checkpoints.last().seq == 11
    report = verify_database(checkpoints.instance_public_key())
    assert report.ok and report.checkpoints == 4 and report.events == 11


def test_checkpoint_signatures_use_the_instance_key(db):
    audit.record(AuditAction.LOGOUT, actor="system")
    db.session.commit()
    stored = checkpoints.last()
    public = checkpoints.instance_public_key()
    assert stored.key_id == chain.key_id(public)
    assert chain.signature_valid(public, stored.seq, stored.hash, chain.format_at(stored.at),
                                 stored.signature)
    assert not chain.signature_valid(public, stored.seq + 1, stored.hash,
                                     chain.format_at(stored.at), stored.signature)


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'logout'",
    "DELETE FROM audit_event",
    "UPDATE audit_checkpoint SET hash = 'x'",
    "DELETE FROM audit_checkpoint",
])
def test_the_database_refuses_changes(db, statement):
    audit.record(AuditAction.LOGIN_FAILED, actor="system")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_concurrent_processes_never_fork_the_chain(app, db, database_url):
    workers, per_worker = 4, 60
    env = {**os.environ, "WORKER_CHECKPOINT_EVERY": "7", "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen([sys.executable, "-m", "tests.compliance.workers", "append",
                          database_url, str(per_worker), str(w)], cwd=ROOT, env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for w in range(workers)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        _out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    stored = events(db)
    assert [e.seq for e in stored] == list(range(1, workers * per_worker + 1))
    assert len({e.prev_hash for e in stored}) == len(stored)  # no two events share a parent
    switches = sum(a.objects["worker"] != b.objects["worker"] for a, b in pairwise(stored))
    assert switches > workers, "the workers did not overlap, so the test proved nothing"
    assert sorted((e.objects["worker"], e.objects["i"]) for e in stored) == sorted(
        (w, i) for w in range(workers) for i in range(per_worker))
    report = verify_database(checkpoints.instance_public_key())
    assert report.ok, report.problem
    assert report.checkpoints >= workers * per_worker // 7
