"""A sweep killed with SIGKILL at random instants: the next sweep finishes, nothing else goes."""

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from compliance import audit, checkpoints, retention, vault
from compliance.audit import AuditEvent
from compliance.db import utcnow
from compliance.subjects import RetentionReason, Subject
from compliance.verify import verify_database
from screening.models import Candidate

ROOT = Path(__file__).resolve().parents[2]
DUE_PER_ROUND, NOT_DUE, ROUNDS = 30, 15, 5


def start_sweep(database_url: str, instance: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FAIRSCREEN_INSTANCE_PATH": str(instance)}
    child = subprocess.Popen([sys.executable, "-m", "tests.compliance.workers", "sweep",
                              database_url, "4"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    return child


def check_invariants(db, due_pseudonyms: set[str], kept_ids: set[int]) -> int:
    """Nothing not due is touched; every erased subject has exactly one event."""
    db.session.rollback()
    remaining = db.session.scalars(select(Subject)).all()
    assert kept_ids <= {s.id for s in remaining}
    for subject in remaining:
        if subject.id in kept_ids:
            assert subject.erasing_since is None and vault.exists(subject.key_id)
        elif not vault.exists(subject.key_id):
            assert subject.erasing_since is not None  # only marked subjects are ever shredded
    events = db.session.scalars(
        select(AuditEvent.subject).where(AuditEvent.action == "subject.erased")).all()
    assert len(events) == len(set(events)) and set(events) <= due_pseudonyms
    gone = {p for p in due_pseudonyms
            if p not in {audit.pseudonym(s) for s in remaining}}
    assert gone == set(events)
    return len(events)


def test_killed_sweeps_leave_nothing_the_next_does_not_finish(app, db, database_url,
                                                               make_vacancy, make_candidate):
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    vacancy = make_vacancy()
    kept = [make_candidate(vacancy, name=f"Kept {i}", email=f"k{i}@example.org")
            for i in range(NOT_DUE)]
    kept_ids = {c.subject_id for c in kept}
    kept_candidates = {c.id: c.name for c in kept}
    due_pseudonyms: set[str] = set()
    instance = Path(app.instance_path)

    kills, erased_by_round = 0, []
    for round_ in range(ROUNDS):
        # A fresh wave of due cases each round, so that every kill lands in a running sweep.
        for i in range(DUE_PER_ROUND):
            candidate = make_candidate(vacancy, name=f"Due {round_}.{i}",
                                       email=f"d{round_}.{i}@example.org")
            retention.schedule(candidate.subject, utcnow() - timedelta(minutes=1),
                               RetentionReason.DECIDED)
            due_pseudonyms.add(audit.pseudonym(candidate.subject))
        db.session.commit()
        child = start_sweep(database_url, instance)
        # Let a random number of commits through, then kill at a random instant after one.
        for _ in range(rng.randrange(0, 12)):
            if not child.stdout.readline():
                break
        time.sleep(rng.uniform(0.0, 0.01))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            kills += 1
        child.communicate(timeout=60)
        erased_by_round.append(check_invariants(db, due_pseudonyms, kept_ids))
    retention.sweep()
    total = DUE_PER_ROUND * ROUNDS
    assert check_invariants(db, due_pseudonyms, kept_ids) == total, f"seed {seed}"
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Subject.id))) == NOT_DUE
    names = dict(db.session.execute(select(Candidate.id, Candidate.name)).all())
    assert names == kept_candidates
    report = verify_database(checkpoints.instance_public_key())
    assert report.ok, (seed, report.problem)
    interrupted = [n for i, n in enumerate(erased_by_round) if n < DUE_PER_ROUND * (i + 1)]
    assert kills and interrupted, f"no sweep was killed mid-way (seed {seed}, {erased_by_round})"
