"""Rotating the master key: an operation with an explicit actor, which `keys rotate` calls."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from compliance import audit, vault
from compliance.audit import AuditAction
from compliance.keys import (
    MASTER_KEY,
    format_ring,
    new_master_key_id,
    read_secrets,
    write_key_file,
    write_secrets_file,
)


class RotationRefused(RuntimeError):
    """The master key comes from somewhere this process cannot rewrite."""


@dataclass(frozen=True)
class Rotation:
    """What a rotation did: the new key's id, how many data keys moved, the keys retired."""

    master_key: str
    rewrapped: int
    retired: list[str]


def secrets_path() -> Path:
    return Path(current_app.instance_path) / vault.SECRETS_FILE


def rotate_master_key(*, actor) -> Rotation:
    """Re-wrap every data key under a new master key, no ciphertext touched, and audit it.

    Both keys stay readable until every data key is re-wrapped, so a crash loses nothing. The
    key file is written here, not on commit: the re-wrapped data keys are committed by
    `vault.rewrap_all`, and the caller commits the audit event.
    """
    if os.environ.get(f"FAIRSCREEN_{MASTER_KEY}") and not current_app.config.get(
            f"{MASTER_KEY}_FILE"):
        raise RotationRefused(
            f"FAIRSCREEN_{MASTER_KEY} is set in the environment, which this process cannot "
            "change. Move the key into the instance's secrets file, or rotate by hand.")
    old = vault.master_ring()
    new_id, new_key = new_master_key_id(), secrets.token_bytes(32)
    _store_ring({new_id: new_key, **old})
    count = vault.rewrap_all()
    _store_ring({new_id: new_key})
    retired = sorted(old)
    audit.record(AuditAction.KEYS_ROTATED, actor=actor, rewrapped=count, master_key=new_id,
                 retired=retired)
    return Rotation(master_key=new_id, rewrapped=count, retired=retired)


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
