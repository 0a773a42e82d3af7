"""The heads' ways out of the database: the DPO's digest over real SMTP, PDF reports, the legal
page; and the signing key read from a file outside the instance folder."""

import io

import pytest
from sqlalchemy import text

from compliance import audit, checkpoints, head_digest, witness
from compliance.accounts import Role
from compliance.audit import AuditAction
from compliance.keys import public_key_bytes, signing_key
from compliance.organisation import update_settings
from screening.app import create_app
from screening.config import ConfigError
from tests.compliance.test_audit_witnessed import bypass
from tests.conftest import TEST_KEYS, base_config, mail_config


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp, "audit@acme.test", AUDIT_CHECKPOINT_EVERY=4)


@pytest.fixture
def log(db, make_user):
    legal = make_user(Role.LEGAL)
    update_settings({"controller_name": "Acme", "dpo_contact": "DPO <dpo@acme.test>"},
                    actor="system")
    for i in range(5):
        audit.record(AuditAction.LOGIN_FAILED, actor="system", objects={"user": i})
    db.session.commit()
    return legal


def truncate_after(db, seq: int) -> None:
    bypass(db)
    db.session.execute(text(f"DELETE FROM audit_checkpoint WHERE seq > {seq}"))
    db.session.execute(text(f"DELETE FROM audit_event WHERE seq > {seq}"))
    db.session.commit()


def test_the_dpo_digest_carries_a_stored_head_that_catches_truncation(db, log, smtp, runner,
                                                                      tmp_path):
    _controller, inbox = smtp
    inbox.messages.clear()
    assert head_digest.send_digest()
    assert not head_digest.send_digest()  # a day has not passed
    (recipients, content), = inbox.messages
    assert recipients == ["dpo@acme.test"]
    heads = witness.heads_in(content)  # the wire form: quoted-printable, as relays see it
    sent = db.session.scalar(text("SELECT max(seq) FROM audit_event "
                                  "WHERE action = 'audit.head_sent'"))
    assert [h.seq for h in heads] == [sent - 1] and heads[0].stored
    mail = tmp_path / "digest.eml"
    mail.write_bytes(content)
    assert runner.invoke(args=["audit", "verify", "--witness", str(mail)]).exit_code == 0
    truncate_after(db, 4)
    result = runner.invoke(args=["audit", "verify", "--witness", str(mail)])
    assert result.exit_code == 1 and "events were removed" in result.output


def test_no_digest_leaves_for_a_contact_that_is_not_an_address(db, log, smtp):
    _controller, inbox = smtp
    inbox.messages.clear()
    update_settings({"dpo_contact": "Call reception\nBcc: x@evil.example"}, actor="system")
    db.session.commit()
    assert head_digest.dpo_address() is None and not head_digest.send_digest(force=True)
    assert inbox.messages == []


def test_every_pdf_report_carries_the_signed_head(app, db, log, runner, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("rendering is the same on both databases")
    pdf = tmp_path / "ropa.pdf"
    result = runner.invoke(args=["reports", "ropa", "--output", str(pdf)])
    assert result.exit_code == 0, result.output
    heads = witness.heads_in(pdf.read_bytes())
    generated = db.session.scalar(text("SELECT max(seq) FROM audit_event"))
    assert [h.seq for h in heads] == [generated - 1]  # signed just before the report's event
    assert runner.invoke(args=["audit", "verify", "--witness", str(pdf)]).exit_code == 0
    truncate_after(db, 4)
    result = runner.invoke(args=["audit", "verify", "--witness", str(pdf)])
    assert result.exit_code == 1 and "events were removed" in result.output


def test_counsel_checks_pasted_heads_on_the_integrity_page(app, db, log, login, client):
    lines = "\n".join(h.line() for h in witness.heads_in(
        b"\n".join(witness.Head.of(c.as_dict()).line().encode()
                   for c in db.session.scalars(db.select(checkpoints.AuditCheckpoint)))))
    login(log)
    page = client.post("/legal/integrity/witness", data={"heads": lines})
    assert page.status_code == 200 and "Every witnessed head is in the log" in page.text
    truncate_after(db, 1)
    page = client.post("/legal/integrity/witness",
                       data={"witness": (io.BytesIO(lines.encode()), "heads.log")},
                       content_type="multipart/form-data")
    assert page.status_code == 200 and "FAILED at event 4" in page.text
    assert "events were removed" in page.text


@pytest.mark.parametrize("data", [{"heads": ""}, {"heads": "fairscreen-audit-head seq=1"}])
def test_the_integrity_page_refuses_input_without_heads(app, db, log, login, client, data):
    login(log)
    before = db.session.scalar(text("SELECT max(seq) FROM audit_event"))
    page = client.post("/legal/integrity/witness", data=data)
    assert page.status_code == 422 and 'class="field-error"' in page.text
    assert db.session.scalar(text("SELECT max(seq) FROM audit_event")) == before


def test_the_signing_key_can_come_from_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    key_file = tmp_path / "keys" / "audit-signing.key"
    key_file.parent.mkdir()
    key_file.write_text(TEST_KEYS["BLIND_INDEX_KEY"] + "\n")  # any 32 bytes
    app = create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}",
                                 AUDIT_SIGNING_KEY_FILE=str(key_file)))
    with app.app_context():
        assert checkpoints.instance_public_key() == public_key_bytes(
            signing_key(TEST_KEYS["BLIND_INDEX_KEY"]))
    with pytest.raises(ConfigError, match="AUDIT_SIGNING_KEY_FILE"):
        create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}",
                               AUDIT_SIGNING_KEY_FILE=str(tmp_path / "missing.key")))
