"""`audit export` and `audit verify`: files that verify alone, and tampering that is caught."""

import copy
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from compliance import audit, checkpoints
from compliance.audit import AuditAction, AuditEvent
from compliance.audit_export import verify_export
from compliance.db import utcnow
from screening.candidates import decide
from screening.models import Decision

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6,
)


@pytest.fixture
def app_config():
    return {"AUDIT_CHECKPOINT_EVERY": 4}


@pytest.fixture
def history(db, make_vacancy, make_candidate):
    """A small log: two candidates on one vacancy, one decided."""
    vacancy = make_vacancy()
    first = make_candidate(vacancy, name="A One", email="a@example.org")
    second = make_candidate(vacancy, name="B Two", email="b@example.org")
    decide(first, Decision.REJECTED, actor=vacancy.owner, reasons="Less Django experience.")
    db.session.commit()
    return first, second


def export_file(runner, tmp_path, *args) -> tuple[dict, str]:
    out = tmp_path / "audit.json"
    result = runner.invoke(args=["audit", "export", str(out), *args])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text()), out.read_text()


def test_export_then_verify_the_file(runner, history, tmp_path):
    data, _raw = export_file(runner, tmp_path)
    assert [e["seq"] for e in data["events"]] == list(range(1, len(data["events"]) + 1))
    assert data["export_checkpoint"]["seq"] == data["events"][-1]["seq"]
    assert data["checkpoints"] and list(data)[-1] == "export_checkpoint"
    result = runner.invoke(args=["audit", "verify", "--file", str(tmp_path / "audit.json")])
    assert result.exit_code == 0 and result.output.startswith("OK:"), result.output


def test_export_is_audited(runner, db, history, tmp_path):
    export_file(runner, tmp_path)
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert last.action == "audit.exported" and last.details["redacted"] == 0


def test_export_by_subject_keeps_others_as_digests(runner, db, history, tmp_path):
    first, _second = history
    data, _raw = export_file(runner, tmp_path, "--subject", str(first.subject_id))
    full = [e for e in data["events"] if not e.get("redacted")]
    assert {e["action"] for e in full} == {"candidate.created", "case.moved",
                                           "candidate.decided"}
    assert {e["subject"] for e in full} == {audit.pseudonym(first.subject)}
    assert all(set(e) == {"seq", "redacted", "prev_hash", "content_hash", "hash"}
               for e in data["events"] if e.get("redacted"))
    assert verify_export(data, checkpoints.instance_public_key()).ok


def test_export_by_period(runner, history, tmp_path):
    today = utcnow().date()
    data, _raw = export_file(runner, tmp_path, "--since", today.isoformat(), "--until",
                             today.isoformat())
    assert data["events"]
    result = runner.invoke(args=["audit", "export", str(tmp_path / "none.json"), "--since",
                                 (today + timedelta(days=2)).isoformat()])
    assert result.exit_code != 0 and "no audit events" in result.output


def test_verify_the_database_and_record_it(runner, db, history):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert last.action == "audit.verified" and last.details["ok"] is True


def bypass_triggers(db):
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_event_no_update"))
        db.session.execute(text("DROP TRIGGER audit_event_no_delete"))
    else:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET details = '{\"decision\":\"hired\"}' WHERE action = "
    "'candidate.decided'",
    "UPDATE audit_event SET at = at WHERE seq = 0",  # a no-op: must still verify
    "DELETE FROM audit_event WHERE seq = 3",
    "UPDATE audit_event SET actor = 'system' WHERE seq = 2",
])
def test_tampering_in_the_database_is_caught(runner, db, history, statement):
    bypass_triggers(db)
    db.session.execute(text(statement))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    if "seq = 0" in statement:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1
    assert "FAILED at event" in result.output
    expected = "event 3 is missing" if "DELETE" in statement else "First bad event: {"
    assert expected in result.output


def test_a_truncated_file_fails(runner, history, tmp_path):
    _data, raw = export_file(runner, tmp_path)
    cut = tmp_path / "cut.json"
    for end in (len(raw) - 2, len(raw) // 2, raw.index('"export_checkpoint"'), 10):
        cut.write_text(raw[:end])
        result = runner.invoke(args=["audit", "verify", "--file", str(cut)])
        assert result.exit_code == 1, end


def test_a_file_with_its_last_events_dropped_fails(runner, history, tmp_path):
    data, _raw = export_file(runner, tmp_path)
    data["events"] = data["events"][:-2]
    report = verify_export(data, checkpoints.instance_public_key())
    assert not report.ok


def test_an_event_appended_after_the_closing_checkpoint_fails(runner, db, history, tmp_path):
    data, _raw = export_file(runner, tmp_path)
    extra = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    data["events"].append({"seq": extra.seq, "at": "2026-01-01T00:00:00.000000Z",
                           "actor": extra.actor, "action": extra.action,
                           "subject": extra.subject, "objects": extra.objects,
                           "details": extra.details, "prev_hash": extra.prev_hash,
                           "hash": extra.hash})
    assert not verify_export(data, checkpoints.instance_public_key()).ok


def test_any_change_to_an_exported_file_is_caught(runner, history, tmp_path):
    first, _second = history
    full, _raw = export_file(runner, tmp_path)
    by_subject, _raw = export_file(runner, tmp_path, "--subject", str(first.subject_id))
    trusted = checkpoints.instance_public_key()
    assert verify_export(full, trusted).ok and verify_export(by_subject, trusted).ok

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def change_a_field(data):
        export = copy.deepcopy(data.draw(st.sampled_from([full, by_subject])))
        part = data.draw(st.sampled_from(["events", "checkpoints", "export_checkpoint"]))
        items = export[part] if part != "export_checkpoint" else [export[part]]
        target = data.draw(st.sampled_from(items))
        key = data.draw(st.sampled_from(sorted(target)))
        value = data.draw(JSON)
        assume(json.dumps(value, sort_keys=True) != json.dumps(target[key], sort_keys=True))
        target[key] = value
        assert not verify_export(export, trusted).ok

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def delete_insert_or_reorder(data):
        export = copy.deepcopy(data.draw(st.sampled_from([full, by_subject])))
        events = export["events"]
        how = data.draw(st.sampled_from(["delete", "insert", "reorder"]))
        if how == "delete":
            start = data.draw(st.integers(0, len(events) - 1))
            del events[start:start + data.draw(st.integers(1, len(events)))]
        elif how == "insert":
            position = data.draw(st.integers(0, len(events)))
            events.insert(position, copy.deepcopy(data.draw(st.sampled_from(events))))
        else:
            order = data.draw(st.permutations(range(len(events))))
            assume(list(order) != list(range(len(events))))
            export["events"] = [events[i] for i in order]
        assert not verify_export(export, trusted).ok

    change_a_field()
    delete_insert_or_reorder()


def test_an_export_signed_by_another_key_is_refused(runner, app, history, tmp_path):
    data, _raw = export_file(runner, tmp_path)
    assert not verify_export(data, b"\x01" * 32).ok
    assert verify_export(data).ok  # alone, the file vouches for itself with its own key
    assert AuditAction.AUDIT_EXPORTED.value == "audit.exported"
