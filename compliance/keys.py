"""The instance's key material: the master key ring, the audit signing key, the index key.

All three live in the instance's secrets file (mode 0600) or come from FAIRSCREEN_* variables,
or from the files FAIRSCREEN_<NAME>_FILE names (outside the instance folder in production).
The master key ring is `id:base64key[,id:base64key...]`, the first being the current key; older
keys stay readable during a rotation so that a rotation interrupted at any point loses nothing.
"""

import base64
import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MASTER_KEY = "MASTER_KEY"
AUDIT_SIGNING_KEY = "AUDIT_SIGNING_KEY"
BLIND_INDEX_KEY = "BLIND_INDEX_KEY"
KEY_NAMES = (MASTER_KEY, AUDIT_SIGNING_KEY, BLIND_INDEX_KEY)


class KeyConfigError(ValueError):
    """A configured key is malformed; the message names the variable."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str, name: str, size: int) -> bytes:
    try:
        data = base64.urlsafe_b64decode(text.strip().encode())
    except ValueError:
        data = b""
    if len(data) != size:
        raise KeyConfigError(f"FAIRSCREEN_{name} is not a base64 key of {size} bytes.")
    return data


def new_master_key_id() -> str:
    """Return a fresh, short id naming one master key."""
    return secrets.token_hex(4)


def format_ring(ring: dict[str, bytes]) -> str:
    """Write a key ring (current key first) as the text the config holds."""
    return ",".join(f"{kid}:{_b64(key)}" for kid, key in ring.items())


def parse_ring(text: str) -> dict[str, bytes]:
    """Read `id:key,...` into an ordered mapping whose first entry is the current key."""
    ring: dict[str, bytes] = {}
    for part in (p for p in text.split(",") if p.strip()):
        kid, sep, encoded = part.strip().partition(":")
        if not sep or not kid:
            raise KeyConfigError(f"FAIRSCREEN_{MASTER_KEY} must look like `id:base64key[,...]`.")
        ring[kid] = _unb64(encoded, MASTER_KEY, 32)
    if not ring:
        raise KeyConfigError(f"FAIRSCREEN_{MASTER_KEY} holds no key.")
    return ring


def signing_key(text: str) -> Ed25519PrivateKey:
    """Load the Ed25519 key that signs audit checkpoints."""
    return Ed25519PrivateKey.from_private_bytes(_unb64(text, AUDIT_SIGNING_KEY, 32))


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """Return the raw 32 bytes of the public half."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def index_key(text: str) -> bytes:
    """Load the key of the keyed-hash (blind index) columns."""
    return _unb64(text, BLIND_INDEX_KEY, 32)


GENERATORS = {
    MASTER_KEY: lambda: format_ring({new_master_key_id(): secrets.token_bytes(32)}),
    AUDIT_SIGNING_KEY: lambda: _b64(secrets.token_bytes(32)),
    BLIND_INDEX_KEY: lambda: _b64(secrets.token_bytes(32)),
}


def read_secrets(path: Path) -> dict:
    """Return the secrets file's mapping, empty if there is none."""
    return json.loads(path.read_text()) if path.exists() else {}


def write_secrets_file(path: Path, values: dict) -> None:
    """Replace the secrets file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def write_key_file(path: Path, text: str) -> None:
    """Replace a key file atomically, readable by its owner only."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def create_missing_keys(path: Path, provided: frozenset[str] = frozenset()) -> list[str]:
    """Generate every key the secrets file lacks, except those `provided` from elsewhere (a key
    file, the environment); keys already there are never replaced."""
    existing = read_secrets(path)
    created = [name for name in KEY_NAMES if not existing.get(name) and name not in provided]
    for name in created:
        existing[name] = GENERATORS[name]()
    if created or not path.exists():
        write_secrets_file(path, existing)
    return created
