"""The `flask reports ...` group and its `verify` command; screening adds the report commands."""

from pathlib import Path

import click
from flask.cli import AppGroup

from compliance import checkpoints
from compliance.reports.signing import SigningError, certificate_pem

reports_cli = AppGroup("reports", help="Generate signed PDF reports and verify them.")


@reports_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cert", "cert_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Trust this signing certificate (PEM) instead of this instance's.")
def verify_command(file: Path, cert_file: Path | None) -> None:
    """Check the signature, extract the embedded JSON and verify its chain; exit 1 on failure."""
    from compliance.reports.verify import verify_pdf  # pyHanko: only for this command

    result = verify_pdf(file.read_bytes(), trusted_cert=_trusted_cert(cert_file),
                        trusted_key=checkpoints.instance_public_key())
    for check in result.checks:
        click.echo(f"{'OK' if check.ok else 'FAILED'}  {check.name}: {check.message}",
                   err=not check.ok)
    if not result.ok:
        raise SystemExit(1)
    click.echo(f"{file} is intact and verified.")


def _trusted_cert(cert_file: Path | None) -> bytes:
    if cert_file is not None:
        return cert_file.read_bytes()
    try:
        return certificate_pem()
    except SigningError as error:
        raise click.ClickException(str(error)) from None
