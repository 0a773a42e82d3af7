"""The `flask keys ...` commands: create the instance's keys, rotate the master key."""

import os

import click
from flask import current_app
from flask.cli import AppGroup

from compliance.db import db
from compliance.key_rotation import RotationRefused, rotate_master_key, secrets_path
from compliance.keys import KEY_NAMES, create_missing_keys
from compliance.reports.signing import ensure_signing_identity

keys_cli = AppGroup("keys", help="Manage the master key, the audit signing key and index key.")


@keys_cli.command("init")
def init_command() -> None:
    """Create any missing key in the instance folder (mode 0600); existing keys stay."""
    path = secrets_path()
    created = create_missing_keys(path, provided_keys())
    for name in created:
        click.echo(f"Generated {name} into {path} (mode 0600).")
    signing = ensure_signing_identity()
    if signing is not None:
        click.echo(f"Generated a self-signed report signing key into {signing.key} (mode 0600) "
                   f"and its certificate into {signing.cert}.")
    if not created and signing is None:
        click.echo(f"All keys are present in {path}; nothing changed.")


@keys_cli.command("rotate")
def rotate_command() -> None:
    """Re-wrap every data key under a new master key; no ciphertext is touched."""
    try:
        rotation = rotate_master_key(actor="system")
    except RotationRefused as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Master key {rotation.master_key} is now in use; {rotation.rewrapped} data keys "
               f"re-wrapped; retired {', '.join(rotation.retired)}. Restart the app and workers.")


def provided_keys() -> frozenset[str]:
    """Name the keys that come from a key file or the environment: `init` must not make them."""
    return frozenset(name for name in KEY_NAMES if os.environ.get(f"FAIRSCREEN_{name}")
                     or current_app.config.get(f"{name}_FILE"))
