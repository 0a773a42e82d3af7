"""Attacks past the triggers: a database owner without the signing key truncates, empties,
rewrites and deletes checkpoints; the head's coverage and heads kept outside catch it."""

from pathlib import Path

import pytest
from sqlalchemy import text

from compliance import audit, chain, checkpoints, verify, witness
from compliance.accounts import Role
from compliance.audit import AuditAction
from compliance.db import utcnow
from compliance.witness import Head
from screening.app import create_app
from screening.config import ConfigError
from tests.conftest import base_config

SQLITE_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete", "audit_event_next_only",
                   "audit_checkpoint_no_update", "audit_checkpoint_no_delete",
                   "audit_checkpoint_next_only")


@pytest.fixture
def witness_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("witness") / "heads.log"


@pytest.fixture
def app_config(witness_file):
    return {"AUDIT_CHECKPOINT_EVERY": 4, "AUDIT_CHECKPOINT_MINUTES": 5,
            "AUDIT_WITNESS_FILE": str(witness_file)}


@pytest.fixture
def log(db, make_user):
    """Ten events (a user's creation among them), checkpoints at 1, 4 and 8, and the quiet
    log's checkpoint over 10, as the worker writes it once the head has waited T minutes."""
    make_user(Role.LEGAL, second_factor=False)  # one event: the creation
    for i in range(9):
        audit.record(AuditAction.LOGIN_FAILED, actor="system", objects={"user": i})
    db.session.commit()
    db.session.execute(text("UPDATE alembic_version SET version_num = version_num"))
    db.session.commit()
    return db


def sign_quiet_head(app):
    minutes = app.config["AUDIT_CHECKPOINT_MINUTES"]
    app.config["AUDIT_CHECKPOINT_MINUTES"] = 0
    audit.checkpoint_quiet_log()
    app.config["AUDIT_CHECKPOINT_MINUTES"] = minutes


def bypass(db):
    """What an owner with DDL rights does first."""
    if db.engine.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            db.session.execute(text(f"DROP TRIGGER {name}"))
    else:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))


def rechain(db, change=None) -> None:
    """Recompute every hash from the first event, as a forger without the key can."""
    rows = db.session.execute(text(
        "SELECT seq, at, actor, action, subject, objects, details FROM audit_event ORDER BY seq"
    )).all()
    prev = chain.GENESIS
    for seq, at, actor, action, subject, objects, details in rows:
        if change:
            actor = change(seq, actor)
        digest = chain.content_digest(seq, chain.format_at(_aware(at)), actor, action, subject,
                                      objects, details)
        link = chain.link(prev, digest)
        db.session.execute(text("UPDATE audit_event SET actor = :a, prev_hash = :p, hash = :h "
                                "WHERE seq = :s"), {"a": actor, "p": prev, "h": link, "s": seq})
        prev = link


def _aware(at):
    from datetime import UTC, datetime

    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def verify_cli(runner, *witnesses: Path):
    args = ["audit", "verify"]
    for path in witnesses:
        args += ["--witness", str(path)]
    return runner.invoke(args=args)


def test_every_checkpoint_reaches_the_witness_file_after_commit_only(app, db, witness_file):
    audit.record(AuditAction.LOGOUT, actor="system")  # the first event is always signed
    db.session.rollback()
    assert not witness_file.exists()
    for _ in range(4):
        audit.record(AuditAction.LOGOUT, actor="system")
    db.session.commit()
    heads = witness.heads_in(witness_file.read_bytes())
    stored = [c.as_dict() for c in db.session.scalars(db.select(checkpoints.AuditCheckpoint))]
    assert [h.seq for h in heads] == [1, 4] == [c["seq"] for c in stored]
    assert heads == [Head.of(c) for c in stored]


def test_the_periodic_task_signs_a_quiet_head(app, log):
    assert "audit.checkpoint" in app.extensions["huey_tasks"]
    report = verify.verify_log(checkpoints.instance_public_key(),
                               now=utcnow() + verify.GRACE * 7)
    assert not report.ok and report.unsigned == 2 and "not covered" in report.problem
    sign_quiet_head(app)
    log.session.commit()
    report = verify.verify_log(checkpoints.instance_public_key(),
                               now=utcnow() + verify.GRACE * 7)
    assert report.ok and report.unsigned == 0


def test_an_unsigned_head_older_than_t_fails_verify(app, log, runner, monkeypatch):
    result = verify_cli(runner)
    assert result.exit_code == 0 and result.output.startswith("OK: 10 events")
    assert "Unsigned: 2 events after the last checkpoint" in result.output
    app.config["AUDIT_CHECKPOINT_MINUTES"] = 0
    monkeypatch.setattr(verify, "GRACE", verify.GRACE * 0)
    result = verify_cli(runner)
    assert result.exit_code == 1
    assert "FAILED at event 9: 3 events after the last checkpoint" in result.output  # + verified
    assert "the head is not covered" in result.output


def test_edited_unsigned_events_once_older_than_t_fail(app, log, runner, monkeypatch):
    bypass(log)
    rechain(log, lambda seq, actor: "user:1" if seq == 10 else actor)
    log.session.commit()
    app.config["AUDIT_CHECKPOINT_MINUTES"] = 0
    monkeypatch.setattr(verify, "GRACE", verify.GRACE * 0)
    result = verify_cli(runner)
    assert result.exit_code == 1 and "the head is not covered" in result.output


def test_a_tail_cut_with_its_checkpoints_is_caught_by_the_witness_file(app, log, runner,
                                                                       witness_file):
    sign_quiet_head(app)
    log.session.commit()
    bypass(log)
    log.session.execute(text("DELETE FROM audit_event WHERE seq > 6"))
    log.session.execute(text("DELETE FROM audit_checkpoint WHERE seq > 6"))
    log.session.commit()
    result = verify_cli(runner, witness_file)
    assert result.exit_code == 1, result.output
    assert "FAILED at event 8: the log ends at event 6" in result.output
    assert "events were removed" in result.output


@pytest.mark.parametrize("witnessed", [False, True])
def test_an_emptied_log_is_caught(app, log, runner, witness_file, witnessed):
    bypass(log)
    log.session.execute(text("DELETE FROM audit_checkpoint"))
    log.session.execute(text("DELETE FROM audit_event"))
    log.session.commit()
    result = verify_cli(runner, *([witness_file] if witnessed else []))
    assert result.exit_code == 1, result.output
    expected = ("the log ends at event 0" if witnessed
                else "accounts or candidates created after the log's last event")
    assert expected in result.output


def test_a_log_rewritten_from_its_first_event_is_caught_by_the_witness_file(app, log, runner,
                                                                            witness_file):
    bypass(log)
    log.session.execute(text("DELETE FROM audit_checkpoint"))  # cannot be re-signed
    rechain(log, lambda seq, actor: "user:99" if seq == 2 else actor)
    log.session.commit()
    result = verify_cli(runner, witness_file)
    assert result.exit_code == 1, result.output
    assert "FAILED at event 1" in result.output or "FAILED at event 4" in result.output
    assert "rewritten" in result.output or "checkpoints were deleted" in result.output


def test_a_deleted_checkpoint_is_caught_by_the_witness_file(app, log, runner, witness_file):
    bypass(log)
    log.session.execute(text("DELETE FROM audit_checkpoint WHERE seq = 4"))
    log.session.commit()
    assert verify_cli(runner).exit_code == 0  # the database alone cannot tell
    result = verify_cli(runner, witness_file)
    assert result.exit_code == 1
    assert "FAILED at event 4" in result.output and "checkpoints were deleted" in result.output


def test_an_intact_log_passes_with_its_witnesses(app, log, runner, witness_file, tmp_path):
    export = tmp_path / "export.json"
    assert runner.invoke(args=["audit", "export", str(export)]).exit_code == 0
    result = verify_cli(runner, witness_file, export)
    assert result.exit_code == 0, result.output
    assert "Witnessed: " in result.output and "from 2 sources" in result.output


def test_an_export_witnesses_the_head_it_stored(app, log, runner, tmp_path):
    export = tmp_path / "export.json"
    assert runner.invoke(args=["audit", "export", str(export)]).exit_code == 0
    heads = witness.heads_in(export.read_bytes())
    head = max(h for h in heads if h.stored)
    assert head.seq == 11  # the export's own audit event, signed and stored at export time
    bypass(log)
    log.session.execute(text("DELETE FROM audit_checkpoint WHERE seq > 8"))
    log.session.execute(text("DELETE FROM audit_event WHERE seq > 8"))
    log.session.commit()
    result = verify_cli(runner, export)
    assert result.exit_code == 1 and "events were removed" in result.output


def test_a_forged_witness_head_is_refused(app, log, runner, tmp_path):
    real = witness.heads_in(Path(app.config["AUDIT_WITNESS_FILE"]).read_bytes())[-1]
    forged = tmp_path / "forged.txt"
    forged.write_text(Head(real.seq, "ab" * 32, real.at, real.key_id, real.signature).line())
    result = verify_cli(runner, forged)
    assert result.exit_code == 1 and "not signed by this instance's key" in result.output


def test_a_witness_without_heads_is_a_clear_error(app, log, runner, tmp_path):
    empty = tmp_path / "notes.txt"
    empty.write_text("nothing here\n")
    result = verify_cli(runner, empty)
    assert result.exit_code == 2 and "holds no signed audit head" in result.output


def test_the_witness_file_may_not_live_beside_the_sqlite_database(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    database = tmp_path / "data" / "fairscreen.db"
    with pytest.raises(ConfigError, match="outside the SQLite database's folder"):
        create_app(base_config(f"sqlite:///{database}",
                               AUDIT_WITNESS_FILE=str(tmp_path / "data" / "heads.log")))
    create_app(base_config(f"sqlite:///{database}",
                           AUDIT_WITNESS_FILE=str(tmp_path / "heads.log")))
