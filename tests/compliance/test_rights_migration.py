"""Migration 0015 seals what counsel wrote in clear before it (a hold's reason, a resolution's
note) under each subject's key, and goes back down and up again."""

import shutil

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from compliance.accounts import Role, create_user
from compliance.db import db, utcnow
from compliance.rights import RightsRequest
from compliance.subjects import LegalHold, create_subject
from screening.app import create_app
from tests.conftest import MIGRATIONS, PASSWORD, base_config


def test_clear_reasons_are_sealed_on_the_way_up(tmp_path, sqlite_template, monkeypatch):
    path = tmp_path / "old.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(f"sqlite:///{path}"))
    with app.app_context():
        # The user and subject are made at the head: the app's audit append reads tables
        # (the read journal) that an older schema does not have. Both tables predate 0014.
        user = create_user("lee@example.test", "Lee", PASSWORD, Role.LEGAL, actor="system")
        subject = create_subject()
        db.session.commit()
        user_id, subject_id = user.id, subject.id
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision="0014_recruiter_tools")
        now = utcnow().isoformat()
        db.session.execute(text(
            "INSERT INTO legal_hold (id, subject_id, reason, created_by, created_at) "
            "VALUES (1, :s, 'Claim of Jamie pending', :u, :now)"),
            {"s": subject_id, "u": user_id, "now": now})
        db.session.execute(text(
            "INSERT INTO rights_request (id, subject_id, \"right\", status, received_at, due_at, "
            "resolved_at, resolution) VALUES (1, :s, 'objection', 'refused', :now, :now, :now, "
            "'Jamie still owes us the laptop'), (2, :s, 'access', 'done', :now, :now, :now, "
            "'served in the portal')"), {"s": subject_id, "now": now})
        db.session.commit()

        upgrade(directory=MIGRATIONS)
        raw = db.session.execute(text("SELECT reason FROM legal_hold")).scalar_one()
        notes = db.session.execute(text(
            "SELECT id, resolution, reasons FROM rights_request ORDER BY id")).all()
        assert raw.startswith("fs1:") and "Jamie" not in raw
        assert notes[0][1] == "refused" and notes[0][2].startswith("fs1:")
        assert notes[1][1:] == ("served in the portal", None)
        db.session.expire_all()
        assert db.session.get(LegalHold, 1).reason == "Claim of Jamie pending"
        assert db.session.get(RightsRequest, 1).reasons == "Jamie still owes us the laptop"

        downgrade(directory=MIGRATIONS, revision="0014_recruiter_tools")
        upgrade(directory=MIGRATIONS)
        db.session.remove()
        db.engine.dispose()
