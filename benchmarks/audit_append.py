"""Append rate of the audit log on SQLite and PostgreSQL, against a plain INSERT baseline.

Run: /work/main/.venv/bin/python -m benchmarks.audit_append [--events 2000]
"""

import argparse

from sqlalchemy import text

from benchmarks.harness import Timer, database, dispose, make_app, postgres_available
from compliance import audit
from compliance.audit import AuditAction
from compliance.db import db

PLAIN = ("CREATE TABLE bench_plain (seq INTEGER PRIMARY KEY, at TIMESTAMP, actor VARCHAR(64), "
         "action VARCHAR(64), subject VARCHAR(64), objects TEXT, details TEXT, "
         "prev_hash VARCHAR(64), hash VARCHAR(64))")


def plain_inserts(count: int, per_commit: int) -> float:
    db.session.execute(text(PLAIN))
    db.session.commit()
    with Timer() as timer:
        for i in range(count):
            db.session.execute(text(
                "INSERT INTO bench_plain VALUES (:seq, CURRENT_TIMESTAMP, 'system', "
                "'login.failed', NULL, :objects, '{}', :h, :h)"
            ), {"seq": i, "objects": f'{{"user":{i}}}', "h": f"{i:064x}"})
            if (i + 1) % per_commit == 0:
                db.session.commit()
        db.session.commit()
    return count / timer.seconds


def appends(count: int, per_commit: int) -> float:
    with Timer() as timer:
        for i in range(count):
            audit.record(AuditAction.LOGIN_FAILED, actor="system", objects={"user": i})
            if (i + 1) % per_commit == 0:
                db.session.commit()
        db.session.commit()
    return count / timer.seconds


def run(backend: str, count: int) -> None:
    with database(backend) as (url, folder):
        app = make_app(url, folder)
        with app.app_context():
            for per_commit in (1, 100):
                base = plain_inserts(count, per_commit)
                db.session.execute(text("DROP TABLE bench_plain"))
                db.session.commit()
                rate = appends(count, per_commit)
                print(f"{backend:<10} {per_commit:>4} per commit: audit.record {rate:9.0f} ev/s, "
                      f"plain INSERT {base:9.0f} rows/s, ratio {base / rate:5.2f}x slower")
            dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    run("sqlite", args.events)
    if postgres_available():
        run("postgresql", args.events)
    else:
        print("postgresql: no server, skipped")


if __name__ == "__main__":
    main()
