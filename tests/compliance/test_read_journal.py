"""Reads do not serialise behind the chain, and a crash loses no read that reached anyone."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, func, select, text

from compliance import audit, checkpoints, read_journal
from compliance.accounts import Role
from compliance.api_tokens import create_token
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.read_journal import JournaledRead
from compliance.verify import verify_database
from tests.conftest import log_in

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES, CLIENTS, REQUESTS = 6, 6, 4


@pytest.fixture
def busy_vacancy(db, make_user, make_vacancy, make_candidate):
    recruiter = make_user(Role.RECRUITER)
    vacancy = make_vacancy(owner=recruiter)
    candidates = [make_candidate(vacancy, name=f"Cand {i}", email=f"c{i}@example.org")
                  for i in range(CANDIDATES)]
    return recruiter, vacancy, candidates


class Statements:
    """Count, per kind, the statements the app sends while it serves the reads."""

    KINDS = {"journal": "INSERT INTO read_journal", "chain": "INSERT INTO audit_event",
             "copy": "COPY audit_event", "lock": "pg_advisory_xact_lock(",
             "try_lock": "pg_try_advisory_xact_lock("}

    def __init__(self, engine) -> None:
        self.counts = dict.fromkeys(self.KINDS, 0)
        self.guard = threading.Lock()
        event.listen(engine, "before_cursor_execute", self.seen)

    def seen(self, _conn, _cursor, statement, *_args) -> None:
        with self.guard:
            for kind, marker in self.KINDS.items():
                if marker in statement:
                    self.counts[kind] += 1


def _serve(client, path: str, errors: list) -> None:
    try:
        for _ in range(REQUESTS):
            response = client.get(path)
            if response.status_code != 200:
                errors.append(response.status_code)
    except Exception as error:  # a thread's failure must fail the test, not vanish
        errors.append(repr(error))


def _logged_in_clients(app, recruiter) -> list:
    """Log in first: a login is a write, audited under the chain's lock like any other."""
    clients = [app.test_client() for _ in range(CLIENTS)]
    assert all(log_in(client, recruiter).status_code == 302 for client in clients)
    return clients


def _read_concurrently(clients, path: str) -> list:
    errors: list = []
    threads = [threading.Thread(target=_serve, args=(client, path, errors))
               for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a read waited for the chain"
    return errors


def test_concurrent_reads_journal_one_statement_each_and_never_wait_for_the_chain(
        app, db, database_url, busy_vacancy):
    recruiter, vacancy, candidates = busy_vacancy
    path = f"/vacancies/{vacancy.id}"  # each request shows every candidate: six reads
    clients = _logged_in_clients(app, recruiter)
    head_before = audit.head()[0]
    db.session.commit()
    holder = writer = None
    if db.engine.dialect.name == "postgresql":
        # A writer holds the chain's lock for the whole run: no read may wait for it.
        writer = create_engine(database_url)
        holder = writer.connect()
        holder.execute(text("SELECT pg_advisory_xact_lock("
                            "hashtext(current_schema() || '.audit_event'))"))
    counter = Statements(db.engine)
    try:
        errors = _read_concurrently(clients, path)
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()
            writer.dispose()
    assert not errors
    requests, reads = CLIENTS * REQUESTS, CLIENTS * REQUESTS * CANDIDATES
    counts = counter.counts
    assert counts["journal"] == requests  # one statement a request, whatever it shows
    assert counts["lock"] == 0  # a read never waits for the chain's lock
    if holder is not None:  # the chain was busy throughout: every read waits in the journal
        assert counts["chain"] + counts["copy"] == 0 and counts["try_lock"] == requests
        assert read_journal.pending() == reads
    else:  # SQLite's one write lock is the chain's: each request chains what it wrote, in
        # one statement, not one a read
        assert counts["chain"] + counts["copy"] <= requests
    db.session.rollback()
    read_journal.fold()
    viewed = db.session.scalars(select(AuditEvent.objects_json).where(
        AuditEvent.seq > head_before,
        AuditEvent.action == AuditAction.PERSONAL_DATA_VIEWED)).all()
    assert len(viewed) == reads and read_journal.pending() == 0
    assert sorted(set(viewed)) == sorted(f'{{"candidate":{c.id}}}' for c in candidates)
    assert verify_database(checkpoints.instance_public_key()).ok


def _child(where: str, database_url: str, instance: Path, *args: str) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FAIRSCREEN_INSTANCE_PATH": str(instance)}
    done = subprocess.run([sys.executable, "-m", "tests.compliance.read_workers", where,
                           database_url, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout


def _reads(db) -> tuple[int, int]:
    db.session.rollback()
    chained = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.PERSONAL_DATA_VIEWED))
    return chained, read_journal.pending()


def test_a_crash_before_the_read_is_written_shows_nothing_and_after_loses_nothing(
        app, db, database_url, busy_vacancy):
    recruiter, _vacancy, candidates = busy_vacancy
    _token, raw = create_token(recruiter, "crash", actor=recruiter)
    db.session.commit()
    path, instance = f"/api/v1/candidates/{candidates[0].id}", Path(app.instance_path)
    # Killed as the read is journaled: the response was never produced, so nobody saw it.
    code, out = _child("journal", database_url, instance, raw, path)
    assert code == 9 and "received" not in out and "Cand 0" not in out
    assert _reads(db) == (0, 0)
    # Killed after the response is produced and the read committed, before it is sent: the
    # read is recorded (at least once: this reader never got the answer it records).
    code, out = _child("sent", database_url, instance, raw, path)
    assert code == 9 and "received" not in out
    assert sum(_reads(db)) == 1
    read_journal.fold()
    assert _reads(db) == (1, 0)
    assert verify_database(checkpoints.instance_public_key()).ok


def test_a_fold_killed_midway_leaves_every_read_to_the_next_one_exactly_once(
        app, db, database_url, busy_vacancy):
    recruiter, _vacancy, candidates = busy_vacancy
    rows = [(utcnow(), f"user:{recruiter.id}", AuditAction.PERSONAL_DATA_VIEWED.value,
             audit.pseudonym(c.subject), f'{{"candidate":{c.id}}}', '{"via":"api"}')
            for c in candidates]
    db.session.execute(JournaledRead.__table__.insert(), [dict(zip(
        ("at", "actor", "action", "subject", "objects", "details"), row, strict=True))
        for row in rows])
    db.session.commit()  # journaled as a request whose chain was busy leaves them
    code, _out = _child("fold", database_url, Path(app.instance_path))
    assert code == 9
    assert _reads(db) == (0, CANDIDATES)  # the fold's transaction died whole
    assert read_journal.fold() == CANDIDATES
    assert _reads(db) == (CANDIDATES, 0)
    assert read_journal.fold() == 0
    assert verify_database(checkpoints.instance_public_key()).ok


def test_a_busy_process_folds_at_most_once_per_interval_and_any_append_takes_the_rest(
        app, db, busy_vacancy, monkeypatch):
    recruiter, vacancy, candidates = busy_vacancy
    client = _logged_in_clients(app, recruiter)[0]
    monkeypatch.setitem(app.config, "READ_FOLD_SECONDS", 60)
    monkeypatch.setattr(read_journal, "_last_fold", [float("-inf")])
    chained_before = _reads(db)[0]
    # The first request folds (this process has not for a minute), the second only journals.
    assert client.get(f"/vacancies/{vacancy.id}").status_code == 200
    assert _reads(db) == (chained_before + CANDIDATES, 0)
    assert client.get(f"/vacancies/{vacancy.id}").status_code == 200
    assert _reads(db) == (chained_before + CANDIDATES, CANDIDATES)
    # The next append of any event chains the waiting reads first, in order.
    audit.record(AuditAction.LOGIN_SUCCEEDED, actor=recruiter)
    db.session.commit()
    assert _reads(db) == (chained_before + 2 * CANDIDATES, 0)
    assert verify_database(checkpoints.instance_public_key()).ok
