"""Key management: `keys init`, `keys rotate`, and the refusal to start without a master key."""

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from compliance import vault
from compliance.audit import AuditEvent
from compliance.keys import KEY_NAMES, parse_ring
from screening.app import create_app
from screening.config import ConfigError
from screening.models import Candidate


def secrets_file(app) -> Path:
    return Path(app.instance_path) / "secrets.json"


def test_keys_init_writes_missing_keys_once_with_mode_0600(app, runner):
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 0, result.output
    path = secrets_file(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = json.loads(path.read_text())
    assert set(KEY_NAMES) <= set(first)
    assert all(value not in result.output for value in first.values())
    again = runner.invoke(args=["keys", "init"])
    assert "nothing changed" in again.output
    assert json.loads(path.read_text()) == first


def test_init_creates_the_keys_too(app, runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    values = json.loads(secrets_file(app).read_text())
    assert {"SECRET_KEY", *KEY_NAMES} <= set(values)


def test_rotate_rewraps_every_data_key_and_leaves_ciphertext_alone(app, db, runner,
                                                                   make_vacancy, make_candidate):
    vacancy = make_vacancy()
    candidates = [make_candidate(vacancy, name=f"Person {i}") for i in range(3)]
    ids = [c.id for c in candidates]
    before = db.session.execute(text("SELECT id, name, email FROM candidate")).all()
    old_ring = vault.master_ring()
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    new_ring = parse_ring(json.loads(secrets_file(app).read_text())["MASTER_KEY"])
    assert len(new_ring) == 1 and not set(new_ring) & set(old_ring)
    assert vault.count_by_master_key() == {next(iter(new_ring)): 3}
    assert db.session.execute(text("SELECT id, name, email FROM candidate")).all() == before
    db.session.remove()
    app.extensions.pop("fairscreen.vault", None)
    from flask import g
    g.pop("_fairscreen_data_keys", None)
    names = db.session.scalars(select(Candidate.name).where(Candidate.id.in_(ids))).all()
    assert sorted(names) == ["Person 0", "Person 1", "Person 2"]
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event.action == "keys.rotated" and event.details["rewrapped"] == 3


def test_the_old_master_key_no_longer_opens_the_vault(app, db, runner, make_candidate):
    make_candidate()
    old = app.config["MASTER_KEY"]
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    app.config["MASTER_KEY"] = old
    app.extensions.pop("fairscreen.vault", None)
    from flask import g
    g.pop("_fairscreen_data_keys", None)
    db.session.remove()
    with pytest.raises(vault.VaultError):
        db.session.scalars(select(Candidate.name)).all()
    db.session.rollback()


def test_rotate_refuses_a_key_from_the_environment(runner, monkeypatch):
    monkeypatch.setenv("FAIRSCREEN_MASTER_KEY", "x")
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code != 0 and "FAIRSCREEN_MASTER_KEY" in result.output


def test_the_app_refuses_to_start_without_a_master_key(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    for name in ("SECRET_KEY", *KEY_NAMES):
        monkeypatch.delenv(f"FAIRSCREEN_{name}", raising=False)
    monkeypatch.setenv("FAIRSCREEN_SECRET_KEY", "s")
    with pytest.raises(ConfigError, match="FAIRSCREEN_MASTER_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert "FAIRSCREEN_MASTER_KEY" not in os.environ


def test_rotation_is_an_operation_audited_in_its_actors_name(app, db, make_user,
                                                             make_candidate, monkeypatch):
    from compliance.accounts import Role
    from compliance.key_rotation import RotationRefused, rotate_master_key

    make_candidate()
    admin = make_user(Role.ADMIN)
    old = set(vault.master_ring())
    rotation = rotate_master_key(actor=admin)
    db.session.commit()
    assert rotation.retired == sorted(old) and rotation.rewrapped >= 1
    assert vault.count_by_master_key() == {rotation.master_key: rotation.rewrapped}
    assert list(parse_ring(app.config["MASTER_KEY"])) == [rotation.master_key]
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event.action == "keys.rotated" and event.actor == f"user:{admin.id}"
    assert event.details["master_key"] == rotation.master_key
    monkeypatch.setenv("FAIRSCREEN_MASTER_KEY", "x")
    with pytest.raises(RotationRefused):
        rotate_master_key(actor=admin)
    assert list(parse_ring(app.config["MASTER_KEY"])) == [rotation.master_key]
