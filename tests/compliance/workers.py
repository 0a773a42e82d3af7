"""Child processes for the multi-process tests: `python -m tests.compliance.workers ...`."""

import os
import random
import sys
import time

from sqlalchemy import func, select


def make_app(database_url: str):
    from screening.app import create_app
    from tests.conftest import base_config

    extra = {}
    if os.environ.get("WORKER_CHECKPOINT_EVERY"):
        extra["AUDIT_CHECKPOINT_EVERY"] = int(os.environ["WORKER_CHECKPOINT_EVERY"])
    return create_app(base_config(database_url, **extra))


def append(database_url: str, count: int, worker: int) -> None:
    """Append `count` events, some after a read in the same transaction (a stale snapshot)."""
    from compliance import audit
    from compliance.audit import AuditAction, AuditEvent
    from compliance.db import db

    app = make_app(database_url)
    with app.app_context():
        print("ready", flush=True)
        sys.stdin.readline()  # start together with the other workers
        for i in range(count):
            if i % 2:
                db.session.scalar(select(func.count(AuditEvent.seq)))
            audit.record(AuditAction.LOGIN_FAILED, actor="system",
                         objects={"worker": worker, "i": i})
            db.session.commit()
            # A pause between requests, as in real traffic: SQLite's lock is not fair, and a
            # writer that re-takes it at once would run its whole loop before anyone else.
            time.sleep(random.uniform(0, 0.004))
        for engine in db.engines.values():
            engine.dispose()


def sweep(database_url: str, batch: int) -> None:
    """Run the retention sweep in small batches (to be killed at a random instant)."""
    from sqlalchemy import event

    from compliance import retention
    from compliance.db import db

    app = make_app(database_url)
    with app.app_context():
        for engine in db.engines.values():  # report each commit, so the killer can aim
            event.listen(engine, "commit", lambda _connection: print("commit", flush=True))
        print("ready", flush=True)
        retention.sweep(batch=batch)
        for engine in db.engines.values():
            engine.dispose()


if __name__ == "__main__":
    command, url, *args = sys.argv[1:]
    if command == "append":
        append(url, int(args[0]), int(args[1]))
    elif command == "sweep":
        sweep(url, int(args[0]))
    else:
        raise SystemExit(f"unknown command {command}")
