"""Signed checkpoints: every N events or T minutes, the chain's head signed with Ed25519.

Each one is also handed to the witnesses (`compliance.witness`) once its transaction commits.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from compliance import chain, witness
from compliance.db import UTCDateTime, db, utcnow
from compliance.keys import AUDIT_SIGNING_KEY, public_key_bytes, signing_key


class AuditCheckpoint(db.Model):
    """The head hash at one event, signed; the migration's triggers make the table append-only."""

    __tablename__ = "audit_checkpoint"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))

    def as_dict(self) -> dict:
        return {"seq": self.seq, "hash": self.hash, "at": chain.format_at(self.at),
                "key_id": self.key_id, "signature": self.signature}


def instance_public_key() -> bytes:
    """Return the raw public key that verifies this instance's checkpoints."""
    return public_key_bytes(signing_key(current_app.config[AUDIT_SIGNING_KEY]))


def signed(seq: int, head_hash: str, at: datetime | None = None) -> dict:
    """Sign the head at `seq` now; return the checkpoint's fields (not stored)."""
    private = signing_key(current_app.config[AUDIT_SIGNING_KEY])
    at_text = chain.format_at(at or utcnow())
    return {"seq": seq, "hash": head_hash, "at": at_text,
            "key_id": chain.key_id(public_key_bytes(private)),
            "signature": chain.sign(private, seq, head_hash, at_text)}


def write(seq: int, head_hash: str) -> AuditCheckpoint:
    """Store a signed checkpoint of the head at `seq`; the chain lock must be held."""
    at = utcnow()
    fields = signed(seq, head_hash, at)
    checkpoint = AuditCheckpoint(seq=seq, hash=head_hash, at=at, key_id=fields["key_id"],
                                 signature=fields["signature"])
    db.session.add(checkpoint)
    db.session.flush()
    witness.queue(checkpoint.as_dict(), current_app.config)
    return checkpoint


def last() -> AuditCheckpoint | None:
    """Return the latest checkpoint."""
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1))


def every() -> int:
    """Return N: every N-th event is checkpointed (0: by time only)."""
    return max(0, int(current_app.config["AUDIT_CHECKPOINT_EVERY"]))


def on_count(seq: int) -> bool:
    """Tell whether `seq` is one of the every-N events that are always checkpointed."""
    n = every()
    return n > 0 and seq % n == 0


def minutes() -> float:
    """Return T: the longest an event may wait for a signature."""
    return float(current_app.config["AUDIT_CHECKPOINT_MINUTES"])


def due_after(seq: int, now: datetime, latest: tuple[int, datetime] | None) -> bool:
    """Tell whether the head at `seq` wants a checkpoint, given the latest (seq, time) one."""
    if on_count(seq) or latest is None:
        return True
    latest_seq, latest_at = latest
    if latest_seq >= seq:
        return False
    return now - latest_at >= timedelta(minutes=minutes())
