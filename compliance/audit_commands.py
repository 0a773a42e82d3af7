"""The `flask audit ...` commands: export the log to a file, verify the log or a file."""

import json
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from compliance import audit, checkpoints, head_digest, outbox, witness
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


@audit_cli.command("digest")
def digest_command() -> None:
    """E-mail the signed head to the DPO now (the worker does it daily)."""
    if head_digest.dpo_address() is None:
        raise click.ClickException("the DPO contact in the organisation settings is not an "
                                   "e-mail address")
    if not outbox.smtp_configured():
        raise click.ClickException("no SMTP server is configured (FAIRSCREEN_MAIL_SERVER)")
    if not head_digest.send_digest(force=True):
        raise click.ClickException("the digest could not be sent; the audit log says why")
    click.echo("Sent the signed head to the DPO.")


@audit_cli.command("verify")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Verify this export instead of the database.")
@click.option("--witness", "witnesses", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check the database against the signed heads in this file (the witness "
                   "file, an export, a PDF report, a saved digest); repeatable.")
def verify_command(path: Path | None, witnesses: tuple[Path, ...]) -> None:
    """Recompute the chain and every signature; exit 1 and show the first bad event if any."""
    trusted = checkpoints.instance_public_key()
    if path is not None:
        if witnesses:
            raise click.UsageError("--witness checks the database; it cannot go with --file.")
        report = verify_file(path, trusted)
        bad = _file_event(path, report.bad_seq)
    else:
        try:
            heads = witness.read_sources((str(w), w.read_bytes()) for w in witnesses)
        except witness.WitnessError as error:
            raise click.BadParameter(str(error), param_hint="--witness") from None
        report = verify_and_record(trusted, actor="system", heads=heads)
        db.session.commit()
        bad = _stored_event(report.bad_seq)
    _print(report, bad, "the file" if path is not None else "the database")
    if path is None:
        _print_coverage(report, witnesses)
    if not report.ok:
        raise SystemExit(1)


def _print(report: Report, bad: dict | None, source: str = "the file") -> None:
    if report.ok:
        click.echo(f"OK: {report.events} events and {report.checkpoints} checkpoints verified; "
                   f"head {report.head_seq} {report.head_hash}.")
        return
    where = f"event {report.bad_seq}" if report.bad_seq is not None else source
    click.echo(f"FAILED at {where}: {report.problem}.", err=True)
    click.echo(f"{report.events} events verified before it.", err=True)
    if bad is not None:
        click.echo("First bad event: " + json.dumps(bad, ensure_ascii=False), err=True)


def _print_coverage(report: Report, witnesses: tuple[Path, ...]) -> None:
    """Say how much of the head is signed, and what the witnesses showed (after the OK line,
    which other tools read)."""
    if report.unsigned:
        line = (f"Unsigned: {report.unsigned} events after the last checkpoint, the oldest "
                f"{report.unsigned_minutes:.0f} minutes old (limit {checkpoints.minutes():g}).")
        click.secho(line, err=not report.ok, fg=None if report.ok else "red")
    elif report.ok:
        click.echo("Signed: the head is covered by a checkpoint.")
    if report.late:
        click.secho(f"Warning: {report.late} checkpoints signed events that had waited longer "
                    f"than {checkpoints.minutes():g} minutes (longest "
                    f"{report.late_minutes:.0f}): a stopped worker, or checkpoints deleted.",
                    fg="red", err=True)
    if witnesses and report.ok:
        click.echo(f"Witnessed: {report.witnessed} signed heads from {len(witnesses)} "
                   "sources found in the log.")
    elif not witnesses and report.ok:
        click.echo("Not witnessed: give --witness FILE to check the log against heads kept "
                   "outside the database.")


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
