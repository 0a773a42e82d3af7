"""The report commands of `flask reports ...`: audit trails, access report, Art. 30 record, DPIA."""

from pathlib import Path
from typing import Any

import click
from flask import current_app

from compliance.audit_commands import parse_when
from compliance.db import db
from compliance.reports.commands import reports_cli
from compliance.reports.signing import SigningError
from compliance.reports.trail import ExportError
from screening.models import Candidate
from screening.reports import ReportNotFound, build_report

output_option = click.option("--output", "-o", required=True,
                             type=click.Path(dir_okay=False, writable=True, path_type=Path),
                             help="Where to write the PDF.")
lang_option = click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
                           help="Language of the report (default: the instance's).")


def _write(kind: str, params: dict[str, Any], output: Path, lang: str | None) -> None:
    try:
        pdf = build_report(kind, params, actor="system",
                           lang=lang or current_app.config["BABEL_DEFAULT_LOCALE"])
    except (ReportNotFound, ExportError, SigningError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    output.write_bytes(pdf)
    click.echo(f"Wrote a signed {kind} report to {output} ({len(pdf)} bytes).")


@reports_cli.command("audit")
@click.option("--candidate", type=int, help="One candidate's trail.")
@click.option("--vacancy", type=int, help="One vacancy's trail, with its candidates.")
@click.option("--since", help="First day or time (UTC, ISO 8601) of a period.")
@click.option("--until", help="Last day or time (UTC, ISO 8601) of a period, included.")
@output_option
@lang_option
def audit_command(candidate: int | None, vacancy: int | None, since: str | None,
                  until: str | None, output: Path, lang: str | None) -> None:
    """Write the signed audit trail of a candidate, a vacancy or a period."""
    given = [candidate is not None, vacancy is not None, bool(since or until)]
    if sum(given) != 1 or (given[2] and not (since and until)):
        raise click.UsageError("give exactly one of --candidate, --vacancy or --since with --until")
    if candidate is not None:
        params: dict[str, Any] = {"candidate": candidate}
    elif vacancy is not None:
        params = {"vacancy": vacancy}
    else:
        params = {"since": parse_when(since).isoformat(),
                  "until": parse_when(until, end_of_day=True).isoformat()}
    _write("audit", params, output, lang)


@reports_cli.command("access")
@click.option("--candidate", type=int, required=True)
@output_option
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the report (default: the candidate's).")
def access_command(candidate: int, output: Path, lang: str | None) -> None:
    """Write the candidate's signed access report (Art. 15)."""
    found = db.session.get(Candidate, candidate)
    _write("access", {"candidate": candidate}, output, lang or (found and found.language))


@reports_cli.command("ropa")
@output_option
@lang_option
def ropa_command(output: Path, lang: str | None) -> None:
    """Write the signed record of processing activities (Art. 30)."""
    _write("ropa", {}, output, lang)


@reports_cli.command("dpia")
@click.option("--vacancy", type=int, required=True)
@output_option
@lang_option
def dpia_command(vacancy: int, output: Path, lang: str | None) -> None:
    """Write a signed DPIA starting point for one vacancy."""
    _write("dpia", {"vacancy": vacancy}, output, lang)
