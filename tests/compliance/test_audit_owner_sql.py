"""Attacks by whoever can write the database: REPLACE and UPSERT on the audit tables.

On SQLite, REPLACE deleted a row without firing the delete trigger, and a recomputed chain then
verified. The owner's own shell (no pragmas) and the app's connection must both refuse.
"""

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from compliance import audit, chain
from compliance.audit import AuditAction

EVENT_COLUMNS = "seq, at, actor, action, subject, objects, details, prev_hash, hash"


def forged_event(db, seq: int) -> dict:
    """A well-formed replacement for event `seq`, linked to its real predecessor."""
    prev = db.session.execute(text("SELECT hash FROM audit_event WHERE seq = :s"),
                              {"s": seq - 1}).scalar() or chain.GENESIS
    at = "2026-11-23 06:00:00.000000"
    digest = chain.content_digest(seq, "2026-11-23T06:00:00.000000Z", "system", "logout", None,
                                  "{}", "{}")
    return {"seq": seq, "at": at, "actor": "system", "action": "logout", "subject": None,
            "objects": "{}", "details": "{}", "prev_hash": prev, "hash": chain.link(prev, digest)}


def forged_checkpoint(seq: int) -> dict:
    return {"seq": seq, "hash": "ab" * 32, "at": "2026-11-23 06:00:00.000000",
            "key_id": "0" * 16, "signature": "cd" * 64}


SQLITE_EVENT_ATTACKS = [
    f"INSERT OR REPLACE INTO audit_event ({EVENT_COLUMNS}) VALUES "
    "(:seq, :at, :actor, :action, :subject, :objects, :details, :prev_hash, :hash)",
    f"REPLACE INTO audit_event ({EVENT_COLUMNS}) VALUES "
    "(:seq, :at, :actor, :action, :subject, :objects, :details, :prev_hash, :hash)",
    f"INSERT INTO audit_event ({EVENT_COLUMNS}) VALUES "
    "(:seq, :at, :actor, :action, :subject, :objects, :details, :prev_hash, :hash) "
    "ON CONFLICT(seq) DO UPDATE SET action = excluded.action, hash = excluded.hash",
]
SQLITE_CHECKPOINT_ATTACKS = [
    "INSERT OR REPLACE INTO audit_checkpoint (seq, hash, at, key_id, signature) "
    "VALUES (:seq, :hash, :at, :key_id, :signature)",
    "REPLACE INTO audit_checkpoint (seq, hash, at, key_id, signature) "
    "VALUES (:seq, :hash, :at, :key_id, :signature)",
    "INSERT INTO audit_checkpoint (seq, hash, at, key_id, signature) "
    "VALUES (:seq, :hash, :at, :key_id, :signature) "
    "ON CONFLICT(seq) DO UPDATE SET hash = excluded.hash",
]


@pytest.fixture
def app_config():
    return {"AUDIT_CHECKPOINT_EVERY": 3}


@pytest.fixture
def logged(db):
    for i in range(6):
        audit.record(AuditAction.LOGIN_FAILED, actor="system", objects={"user": i})
    db.session.commit()
    return db


def stored(db) -> tuple[list, list]:
    return (db.session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq")).all(),
            db.session.execute(text("SELECT seq, hash FROM audit_checkpoint ORDER BY seq")).all())


def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("REPLACE and INSERT OR REPLACE are SQLite's")


@pytest.mark.parametrize("statement", SQLITE_EVENT_ATTACKS + SQLITE_CHECKPOINT_ATTACKS)
def test_the_owners_own_shell_cannot_replace_audit_rows(logged, statement):
    """A plain sqlite3 connection, as `sqlite3 fairscreen.db` opens it: no app pragmas."""
    db = logged
    sqlite_only(db)
    before = stored(db)
    values = (forged_event(db, 2) if "audit_event" in statement else forged_checkpoint(3))
    db.session.remove()
    shell = sqlite3.connect(db.engine.url.database, isolation_level=None)
    try:
        assert shell.execute("PRAGMA recursive_triggers").fetchone() == (0,)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            shell.execute(statement, values)
    finally:
        shell.close()
    assert stored(db) == before


@pytest.mark.parametrize("statement", SQLITE_EVENT_ATTACKS + SQLITE_CHECKPOINT_ATTACKS)
def test_the_apps_connection_refuses_replace_even_past_the_insert_trigger(logged, statement):
    """With the next-only triggers dropped, recursive triggers still make REPLACE delete
    through the delete trigger, which refuses."""
    db = logged
    sqlite_only(db)
    before = stored(db)
    values = (forged_event(db, 2) if "audit_event" in statement else forged_checkpoint(3))
    db.session.execute(text("DROP TRIGGER audit_event_next_only"))
    db.session.execute(text("DROP TRIGGER audit_checkpoint_next_only"))
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement), values)
    db.session.rollback()
    assert stored(db) == before


@pytest.mark.parametrize("table", ["audit_event", "audit_checkpoint"])
def test_postgresql_refuses_upsert(logged, table):
    db = logged
    if db.engine.dialect.name != "postgresql":
        pytest.skip("this is PostgreSQL's UPSERT")
    before = stored(db)
    if table == "audit_event":
        statement = (f"INSERT INTO audit_event ({EVENT_COLUMNS}) VALUES (:seq, :at, :actor, "
                     ":action, :subject, :objects, :details, :prev_hash, :hash) "
                     "ON CONFLICT (seq) DO UPDATE SET action = excluded.action, "
                     "hash = excluded.hash")
        values = forged_event(db, 2)
    else:
        statement = ("INSERT INTO audit_checkpoint (seq, hash, at, key_id, signature) "
                     "VALUES (:seq, :hash, :at, :key_id, :signature) "
                     "ON CONFLICT (seq) DO UPDATE SET hash = excluded.hash")
        values = forged_checkpoint(3)
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement), values)
    db.session.rollback()
    assert stored(db) == before


@pytest.mark.parametrize("values", [
    pytest.param(lambda db, last: forged_event(db, last + 2), id="a gap"),
    pytest.param(lambda db, last: {**forged_event(db, last + 1), "prev_hash": "ef" * 32},
                 id="a fork"),
])
def test_sqlite_takes_only_the_next_event(logged, values):
    db = logged
    sqlite_only(db)
    last = db.session.execute(text("SELECT max(seq) FROM audit_event")).scalar()
    with pytest.raises(DatabaseError, match="only the next event"):
        db.session.execute(text(SQLITE_EVENT_ATTACKS[0]), values(db, last))
    db.session.rollback()


def test_sqlite_takes_only_a_newer_checkpoint_of_a_stored_event(logged):
    db = logged
    sqlite_only(db)
    last = db.session.execute(text("SELECT max(seq) FROM audit_event")).scalar()
    real = db.session.execute(text("SELECT hash FROM audit_event WHERE seq = :s"),
                              {"s": last}).scalar()
    with pytest.raises(DatabaseError, match="newer checkpoint"):  # a hash the event lacks
        db.session.execute(text(SQLITE_CHECKPOINT_ATTACKS[0]), forged_checkpoint(last))
    db.session.rollback()
    older = {**forged_checkpoint(1), "hash": db.session.execute(
        text("SELECT hash FROM audit_event WHERE seq = 1")).scalar()}
    with pytest.raises(DatabaseError, match="newer checkpoint"):  # older than the latest
        db.session.execute(text(SQLITE_CHECKPOINT_ATTACKS[0]), older)
    db.session.rollback()
    for _ in range(3):  # and the writer's own checkpoint of the next third event goes in
        audit.record(AuditAction.LOGOUT, actor="system")
    db.session.commit()
    assert stored(db)[1][-1] == (last + 3, db.session.execute(
        text("SELECT hash FROM audit_event WHERE seq = :s"), {"s": last + 3}).scalar())
    assert real
