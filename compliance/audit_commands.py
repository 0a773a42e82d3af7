"""The `flask audit ...` commands: export the log to a file, verify the log or a file."""

import json
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from compliance import audit, checkpoints
from compliance.audit import AuditEvent
from compliance.audit_export import ExportError, export, verify_file
from compliance.db import db
from compliance.subjects import Subject
from compliance.verify import Report, verify_and_record

audit_cli = AppGroup("audit", help="Export and verify the audit log.")

PSEUDONYM = re.compile(r"[0-9a-f]{64}")


def parse_when(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """Read an ISO date or date-time as UTC; a bare `--until` date includes that whole day."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date or date-time") from None
    if len(value) == 10 and end_of_day:
        parsed = datetime.combine(parsed.date() + timedelta(days=1), time()) - timedelta(
            microseconds=1)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def subject_pseudonym(value: str | None) -> str | None:
    """Accept a subject id (still on file) or a pseudonym as it appears in the log."""
    if not value:
        return None
    if PSEUDONYM.fullmatch(value):
        return value
    subject = db.session.get(Subject, int(value)) if value.isdigit() else None
    if subject is None:
        raise click.BadParameter("give a subject id on file or a 64-hex pseudonym")
    return audit.pseudonym(subject)


@audit_cli.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--since", help="First day or time (UTC, ISO 8601), included.")
@click.option("--until", help="Last day or time (UTC, ISO 8601), included.")
@click.option("--subject", help="Only this subject's events (id or pseudonym); others as digests.")
def export_command(out: Path, since: str | None, until: str | None,
                   subject: str | None) -> None:
    """Write events, checkpoints and the public key to OUT, closed by a fresh checkpoint."""
    pseudonym = subject_pseudonym(subject)
    partial = out.with_name(out.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            summary = export(handle, since=parse_when(since),
                             until=parse_when(until, end_of_day=True), subject=pseudonym)
    except ExportError as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(str(error)) from None
    partial.replace(out)
    db.session.commit()
    click.echo(f"Exported events {summary.first}-{summary.last} ({summary.events}, "
               f"{summary.redacted} as digests only) to {out}.")


@audit_cli.command("verify")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verify this export instead of the database.")
def verify_command(path: Path | None) -> None:
    """Recompute the chain and every signature; exit 1 and show the first bad event if any."""
    trusted = checkpoints.instance_public_key()
    if path is not None:
        report = verify_file(path, trusted)
        bad = _file_event(path, report.bad_seq)
    else:
        report = verify_and_record(trusted, actor="system")
        db.session.commit()
        bad = _stored_event(report.bad_seq)
    _print(report, bad)
    if not report.ok:
        raise SystemExit(1)


def _print(report: Report, bad: dict | None) -> None:
    if report.ok:
        click.echo(f"OK: {report.events} events and {report.checkpoints} checkpoints verified; "
                   f"head {report.head_seq} {report.head_hash}.")
        return
    where = f"event {report.bad_seq}" if report.bad_seq is not None else "the file"
    click.echo(f"FAILED at {where}: {report.problem}.", err=True)
    click.echo(f"{report.events} events verified before it.", err=True)
    if bad is not None:
        click.echo("First bad event: " + json.dumps(bad, ensure_ascii=False), err=True)


def _stored_event(seq: int | None) -> dict | None:
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == seq)) if seq else None
    if event is None:
        return None
    return {"seq": event.seq, "at": event.at.isoformat(), "actor": event.actor,
            "action": event.action, "subject": event.subject, "objects": event.objects_json,
            "details": event.details_json, "prev_hash": event.prev_hash, "hash": event.hash}


def _file_event(path: Path, seq: int | None) -> dict | None:
    try:
        events = json.loads(path.read_text(encoding="utf-8"))["events"]
        return next((e for e in events if isinstance(e, dict) and e.get("seq") == seq), None)
    except (ValueError, KeyError, TypeError):
        return None
