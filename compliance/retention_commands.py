"""The `flask retention ...` commands: erase what is due, or list it without erasing."""

import click
from flask.cli import AppGroup

from compliance import retention
from compliance.db import utcnow

retention_cli = AppGroup("retention", help="Erase data whose retention period has ended.")


@retention_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="List what would be erased; erase nothing.")
def sweep_command(dry_run: bool) -> None:
    """Erase every subject past its date (shred key, delete rows, audit pseudonymously)."""
    if dry_run:
        now = utcnow()
        due = retention.due_subjects(now)
        for subject in due:
            late = (now - subject.erase_after).days if subject.erase_after else 0
            state = "erasing" if subject.erasing_since else f"{late} days overdue"
            reason = subject.erase_reason.value if subject.erase_reason else "unknown"
            click.echo(f"subject {subject.id}\tdue {subject.erase_after:%Y-%m-%d %H:%M}Z\t"
                       f"{reason}\t{state}")
        click.echo(f"{len(due)} subjects would be erased.")
        return
    result = retention.sweep()
    detail = ", ".join(f"{n} {reason}" for reason, n in sorted(result.by_reason.items()))
    click.echo(f"Erased {result.erased} subjects" + (f" ({detail})." if detail else "."))
