"""The key vault: a data key per data subject, wrapped by the master key, kept apart from the data.

The wrapped keys live in their own database (the `vault` bind, by default `vault.db` in the
instance folder), never in the application database: a backup of the application database
holds only ciphertext, so shredding a subject's key here makes every copy of it unreadable.
"""

import base64
import os
import secrets
from collections.abc import Collection, Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, g
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, delete, func, select, update
from sqlalchemy.engine import Engine

from compliance.db import UTCDateTime, db, truncate_wal, utcnow
from compliance.keys import MASTER_KEY, parse_ring, read_secrets

BIND = "vault"
SECRETS_FILE = "secrets.json"
PREFIX = "fs1"

metadata = MetaData()
data_key_table = Table(
    "data_key",
    metadata,
    Column("key_id", String(32), primary_key=True),
    Column("kek_id", String(16), nullable=False, index=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


class ShreddedError(LookupError):
    """The data key is gone: what it protected can never be read again."""


class VaultError(RuntimeError):
    """The vault cannot unwrap a key with the configured master keys."""


def engine() -> Engine:
    """Return the vault's engine, creating its one table on first use."""
    engine = db.engines[BIND]
    state = _state()
    if not state.get("ready"):
        if engine.url.get_backend_name() == "sqlite" and engine.url.database:
            # Owner-only, like the secrets file; SQLite gives its -wal and -shm the same mode.
            path = Path(engine.url.database)
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(path, 0o600)
        metadata.create_all(engine, checkfirst=True)
        state["ready"] = True
    return engine


def _state() -> dict:
    return current_app.extensions.setdefault("fairscreen.vault", {})


def _cache() -> dict[str, bytes]:
    """Unwrapped data keys, kept for one app context (a request, a task, a command) only."""
    return g.setdefault("_fairscreen_data_keys", {})


def master_ring() -> dict[str, bytes]:
    """Return the master key ring, current key first, following rotations by other processes."""
    state, config = _state(), current_app.config
    path = Path(current_app.instance_path) / SECRETS_FILE
    if "from_file" not in state:  # asked once: it reads the secrets file
        state["from_file"] = _ring_from_file(path)
    if state["from_file"]:
        mtime = path.stat().st_mtime_ns if path.exists() else None
        if mtime != state.get("mtime"):
            config[MASTER_KEY] = read_secrets(path).get(MASTER_KEY) or config[MASTER_KEY]
            state["mtime"] = mtime
    text = config[MASTER_KEY]
    if state.get("ring_text") != text:
        state["ring"], state["ring_text"] = parse_ring(text), text
    return state["ring"]


def _ring_from_file(path: Path) -> bool:
    """Tell whether the configured ring came from the secrets file (not env, not tests)."""
    if os.environ.get(f"FAIRSCREEN_{MASTER_KEY}") or not path.exists():
        return False
    return read_secrets(path).get(MASTER_KEY) == current_app.config.get(MASTER_KEY)


def _aad(key_id: str) -> bytes:
    # Binding the wrap to the key id stops a wrapped key being moved to another subject.
    return b"fairscreen-data-key:" + key_id.encode()


def _wrap(key_id: str, key: bytes) -> tuple[str, bytes]:
    kek_id, kek = next(iter(master_ring().items()))
    nonce = secrets.token_bytes(12)
    return kek_id, nonce + AESGCM(kek).encrypt(nonce, key, _aad(key_id))


def _unwrap(key_id: str, kek_id: str, wrapped: bytes,
            ring: dict[str, bytes] | None = None) -> bytes:
    kek = (ring if ring is not None else master_ring()).get(kek_id)
    if kek is None:
        raise VaultError(f"master key {kek_id!r} is not in FAIRSCREEN_{MASTER_KEY}")
    try:
        return AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], _aad(key_id))
    except InvalidTag:
        raise VaultError(f"master key {kek_id!r} does not open data key {key_id}") from None


def create_key() -> str:
    """Make and store a new data key, committed at once; return its id."""
    key_id, key = secrets.token_hex(16), AESGCM.generate_key(bit_length=256)
    kek_id, wrapped = _wrap(key_id, key)
    with engine().begin() as connection:
        connection.execute(data_key_table.insert().values(
            key_id=key_id, kek_id=kek_id, wrapped=wrapped, created_at=utcnow()))
    _cache()[key_id] = key
    return key_id


def data_key(key_id: str) -> bytes:
    """Return a data key, unwrapped; ShreddedError if it was destroyed."""
    cache = _cache()
    if key_id not in cache:
        with engine().connect() as connection:
            row = connection.execute(
                select(data_key_table.c.kek_id, data_key_table.c.wrapped)
                .where(data_key_table.c.key_id == key_id)
            ).first()
        if row is None:
            raise ShreddedError(key_id)
        cache[key_id] = _unwrap(key_id, row.kek_id, row.wrapped)
    return cache[key_id]


def preload(key_ids: Collection[str]) -> None:
    """Unwrap many data keys with one query, for a page that lists many subjects' data."""
    cache = _cache()
    wanted = sorted({k for k in key_ids if k and k not in cache})
    if not wanted:
        return
    with engine().connect() as connection:
        rows = connection.execute(
            select(data_key_table.c.key_id, data_key_table.c.kek_id, data_key_table.c.wrapped)
            .where(data_key_table.c.key_id.in_(wanted))).all()
    ring = master_ring()  # once for the page: it looks at the secrets file
    for row in rows:  # a shredded key is absent: reading its data says so, as ever
        cache[row.key_id] = _unwrap(row.key_id, row.kek_id, row.wrapped, ring)


def shred(key_ids: Collection[str]) -> int:
    """Destroy data keys, committed at once; return how many existed."""
    cache = _cache()
    for key_id in key_ids:
        cache.pop(key_id, None)
    if not key_ids:
        return 0
    with engine().begin() as connection:
        result = connection.execute(
            delete(data_key_table).where(data_key_table.c.key_id.in_(list(key_ids)))
        )
    truncate_wal(engine())
    return result.rowcount


def exists(key_id: str) -> bool:
    """Tell whether a data key is still in the vault."""
    with engine().connect() as connection:
        return connection.execute(
            select(data_key_table.c.key_id).where(data_key_table.c.key_id == key_id)
        ).first() is not None


def encrypt(key_id: str, plaintext: str) -> str:
    """Seal text under a data key; the token names its key so it can be opened anywhere."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(data_key(key_id)).encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{PREFIX}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    """Return the id of the data key a token was sealed under."""
    prefix, key_id, _rest = token.split(":", 2)
    if prefix != PREFIX:
        raise ValueError("not a Fairscreen ciphertext")
    return key_id


def decrypt(token: str) -> str:
    """Open a token; ShreddedError once its subject has been erased."""
    key_id = key_id_of(token)
    blob = base64.urlsafe_b64decode(token.split(":", 2)[2].encode())
    return AESGCM(data_key(key_id)).decrypt(blob[:12], blob[12:], key_id.encode()).decode()


def rewrap_all(batch: int = 500) -> int:
    """Re-wrap every data key not under the current master key; ciphertext is not touched."""
    current = next(iter(master_ring()))
    count = 0
    for rows in _stale_batches(current, batch):
        with engine().begin() as connection:
            for key_id, kek_id, wrapped in rows:
                new_kek, new_wrapped = _wrap(key_id, _unwrap(key_id, kek_id, wrapped))
                connection.execute(
                    update(data_key_table).where(data_key_table.c.key_id == key_id,
                                                 data_key_table.c.kek_id == kek_id)
                    .values(kek_id=new_kek, wrapped=new_wrapped)
                )
        count += len(rows)
    return count


def _stale_batches(current: str, batch: int) -> Iterator[list]:
    """Yield batches of keys still wrapped by an older master key, until none is left."""
    while True:
        with engine().connect() as connection:
            rows = connection.execute(
                select(data_key_table.c.key_id, data_key_table.c.kek_id,
                       data_key_table.c.wrapped)
                .where(data_key_table.c.kek_id != current).limit(batch)
            ).all()
        if not rows:
            return
        yield rows


def count_by_master_key() -> dict[str, int]:
    """Count the data keys under each master key id."""
    with engine().connect() as connection:
        rows = connection.execute(
            select(data_key_table.c.kek_id, func.count()).group_by(data_key_table.c.kek_id)
        ).all()
    return {kek_id: n for kek_id, n in rows}
