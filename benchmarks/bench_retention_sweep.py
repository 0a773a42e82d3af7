"""The retention sweep over 100,000 due cases, against a bare SQL delete of the same rows.

The same rows are what an erasure removes: the subjects (their cases go by cascade) and their
data keys in the vault. The sweep does that and more: it marks each batch before touching it so
a killed sweep can be finished, commits every batch, and chains a `subject.erased` event per case.

Target: within 5x. Run:
  python -m benchmarks.bench_retention_sweep [--cases 100000] [--postgresql]
"""

import sys
from pathlib import Path

# `make benchmarks` runs each file as a script: put the project root first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import secrets  # noqa: E402
from datetime import timedelta  # noqa: E402

from sqlalchemy import column, func, insert, select, table, text  # noqa: E402

from benchmarks.harness import Timer, database, dispose, make_app, postgres_available  # noqa: E402
from compliance import retention, vault  # noqa: E402
from compliance.accounts import Role, create_user  # noqa: E402
from compliance.audit import AuditEvent  # noqa: E402
from compliance.db import db, utcnow  # noqa: E402
from compliance.subjects import Subject  # noqa: E402
from screening.models import Candidate, Vacancy  # noqa: E402

# The candidate table without its column types: stand-in ciphertext goes in as it is.
RAW_CANDIDATE = table("candidate", *(column(name) for name in (
    "subject_id", "vacancy_id", "name", "email", "language", "state", "created_at",
    "updated_at")))


def populate(cases: int) -> None:
    """Insert `cases` due subjects with a candidate and a vault key each, in bulk."""
    owner = create_user("bench@example.test", "Bench", "x" * 16, Role.RECRUITER, actor="system")
    vacancy = Vacancy(title="Bench", language="en", owner=owner)
    db.session.add(vacancy)
    db.session.flush()
    now, due = utcnow(), utcnow() - timedelta(days=1)
    naive = now.replace(tzinfo=None)
    for start in range(0, cases, 10000):
        size = min(10000, cases - start)
        key_ids = [secrets.token_hex(16) for _ in range(size)]
        ids = range(start + 1, start + size + 1)
        db.session.execute(insert(Subject), [
            {"id": i, "created_at": now, "pseudonym_secret": secrets.token_bytes(32),
             "key_id": k, "erase_after": due, "erase_reason": "decided"}
            for i, k in zip(ids, key_ids, strict=True)])
        # Stand-in ciphertext: the sweep never reads personal fields, it deletes them.
        db.session.execute(RAW_CANDIDATE.insert(), [
            {"subject_id": i, "vacancy_id": vacancy.id, "name": f"fs1:{k}:x",
             "email": f"fs1:{k}:y", "language": "en", "state": "decided",
             "created_at": naive, "updated_at": naive} for i, k in zip(ids, key_ids, strict=True)])
        with vault.engine().begin() as connection:
            connection.execute(vault.data_key_table.insert(), [
                {"key_id": k, "kek_id": "bench", "wrapped": secrets.token_bytes(60),
                 "created_at": now} for k in key_ids])
    db.session.commit()


def bare_delete() -> float:
    """Delete the due subjects (cascading to their cases) and their data keys, one statement
    each."""
    with Timer() as timer:
        db.session.execute(text("DELETE FROM subject WHERE erase_after <= :now"),
                           {"now": utcnow().replace(tzinfo=None)})
        db.session.commit()
        with vault.engine().begin() as connection:
            connection.execute(text("DELETE FROM data_key WHERE kek_id = 'bench'"))
    return timer.seconds


def run(backend: str, cases: int, batch: int | None, rounds: int) -> None:
    # Best of `rounds`, interleaved: the machine is shared and single runs are noisy.
    seconds = {"bare": float("inf"), "sweep": float("inf")}
    config = {"RETENTION_BATCH": batch} if batch else {}
    for _ in range(rounds):
        for kind in ("bare", "sweep"):
            with database(backend) as (url, folder):
                app = make_app(url, folder, **config)
                used = app.config["RETENTION_BATCH"]
                with app.app_context():
                    populate(cases)
                    if kind == "bare":
                        seconds[kind] = min(seconds[kind], bare_delete())
                    else:
                        with Timer() as timer:
                            result = retention.sweep()
                        seconds[kind] = min(seconds[kind], timer.seconds)
                        assert result.erased == cases, result
                        events = db.session.scalar(select(func.count(AuditEvent.seq)).where(
                            AuditEvent.action == "subject.erased"))
                        assert events == cases
                    assert db.session.scalar(select(func.count(Candidate.id))) == 0
                    assert not vault.count_by_master_key()
                    dispose()
    print(f"{backend:<10} {cases} due cases, batches of {used}: sweep {seconds['sweep']:6.2f} s "
          f"(mark, shred keys, delete rows, {cases} chained events); bare DELETE of subjects and "
          f"keys {seconds['bare']:6.2f} s; ratio {seconds['sweep'] / seconds['bare']:4.2f}x "
          f"(target <= 5x; best of {rounds})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch", type=int, help="subjects per batch (default: the app's "
                        "RETENTION_BATCH)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()
    run("sqlite", args.cases, args.batch, args.rounds)
    if args.postgresql and postgres_available():
        run("postgresql", args.cases, args.batch, args.rounds)


if __name__ == "__main__":
    main()
