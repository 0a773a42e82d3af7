"""Throwaway, migrated databases for the benchmarks: a SQLite file or a private PG schema."""

import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from compliance.db import db
from screening.app import create_app
from screening.setup_commands import MIGRATIONS

PG_SERVER = os.environ.get("FAIRSCREEN_BENCH_POSTGRES",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KEYS = {
    "MASTER_KEY": "b3a1c2d4:V7afQoCz80w6MCgwzu9xU566quu-3DI9faUXXotstBY=",
    "AUDIT_SIGNING_KEY": "3b-c4u88rbi9Ps1EHzM3-AAR24BSlpREPvWy3RaRTNc=",
    "BLIND_INDEX_KEY": "N8eLBZsRp4ELaCzugfbieC8LRp2DFujDBGfr2tOBtmM=",
}


def make_app(database_url: str, folder: Path, **config) -> Flask:
    os.environ["FAIRSCREEN_INSTANCE_PATH"] = str(folder / "instance")
    return create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": database_url,
                       "HUEY_IMMEDIATE": True, "HUEY_SQLITE_PATH": str(folder / "huey.db"),
                       **KEYS, **config})


@contextlib.contextmanager
def database(backend: str) -> Iterator[tuple[str, Path]]:
    """Yield the URL of an empty, migrated database on `backend`, and a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="fairscreen-bench-") as scratch:
        folder = Path(scratch)
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'bench.db'}"
            _migrate(url, folder)
            yield url, folder
            return
        schema = f"fs_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_SERVER)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
        try:
            _migrate(url, folder)
            yield url, folder
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _migrate(url: str, folder: Path) -> None:
    app = make_app(url, folder)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        dispose()


def dispose() -> None:
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()


def postgres_available() -> bool:
    try:
        engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # no server: the PostgreSQL figures are skipped
        return False


class Timer:
    """Time a block: `with Timer() as t: ...; t.seconds`."""

    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start
