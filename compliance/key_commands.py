"""The `flask keys ...` commands: create the instance's keys, rotate the master key."""

import os
import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from compliance import audit, vault
from compliance.audit import AuditAction
from compliance.db import db
from compliance.keys import (
    KEY_NAMES,
    MASTER_KEY,
    create_missing_keys,
    format_ring,
    new_master_key_id,
    read_secrets,
    write_key_file,
    write_secrets_file,
)
from compliance.reports.signing import ensure_signing_identity

keys_cli = AppGroup("keys", help="Manage the master key, the audit signing key and index key.")


def secrets_path() -> Path:
    return Path(current_app.instance_path) / vault.SECRETS_FILE


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
    if os.environ.get(f"FAIRSCREEN_{MASTER_KEY}") and not current_app.config.get(
            f"{MASTER_KEY}_FILE"):
        raise click.ClickException(
            f"FAIRSCREEN_{MASTER_KEY} is set in the environment, which this command cannot "
            "change. Move the key into the instance's secrets file, or rotate by hand."
        )
    old = vault.master_ring()
    new_id, new_key = new_master_key_id(), secrets.token_bytes(32)
    # Both keys stay readable until every data key is re-wrapped: a crash here loses nothing.
    _store_ring({new_id: new_key, **old})
    count = vault.rewrap_all()
    _store_ring({new_id: new_key})
    audit.record(AuditAction.KEYS_ROTATED, actor="system", rewrapped=count,
                 master_key=new_id, retired=sorted(old))
    db.session.commit()
    click.echo(f"Master key {new_id} is now in use; {count} data keys re-wrapped; "
               f"retired {', '.join(sorted(old))}. Restart the app and workers.")


def provided_keys() -> frozenset[str]:
    """Name the keys that come from a key file or the environment: `init` must not make them."""
    return frozenset(name for name in KEY_NAMES if os.environ.get(f"FAIRSCREEN_{name}")
                     or current_app.config.get(f"{name}_FILE"))


def _store_ring(ring: dict[str, bytes]) -> None:
    key_file = current_app.config.get(f"{MASTER_KEY}_FILE")
    if key_file:  # the ring lives in its own file, outside the instance folder
        write_key_file(Path(key_file).expanduser(), format_ring(ring))
        current_app.config[MASTER_KEY] = format_ring(ring)
        return
    path = secrets_path()
    values = read_secrets(path)
    values[MASTER_KEY] = format_ring(ring)
    write_secrets_file(path, values)
    current_app.config[MASTER_KEY] = values[MASTER_KEY]
