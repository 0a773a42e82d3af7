"""Verification: recompute the chain and check every signature, from the database or a file."""

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from compliance import audit, chain
from compliance.audit import AuditEvent
from compliance.checkpoints import AuditCheckpoint
from compliance.db import db

# An event as stored: seq, at (canonical text), actor, action, subject, objects and details
# (canonical JSON text), prev_hash, hash. A redacted event (in an export) carries its content
# digest in place of its content: (seq, None, None, None, None, None, content_hash, prev, hash).
Row = tuple
HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass
class Report:
    """The outcome: counts, the head reached, and the first problem found (if any)."""

    events: int = 0
    checkpoints: int = 0
    head_seq: int = 0
    head_hash: str = chain.GENESIS
    bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def fail(self, seq: int | None, problem: str) -> "Report":
        self.bad_seq, self.problem = seq, problem
        return self


def verify_rows(rows: Iterable[Row], checkpoints: Iterable[dict], public_key: bytes, *,
                first_seq: int = 1, first_prev: str | None = chain.GENESIS) -> Report:
    """Check seq order, links and hashes of `rows`, and every checkpoint against them."""
    report = Report()
    try:
        pending = _checkpoints_by_seq(checkpoints, public_key, report)
        if report.problem:
            return report
        return _walk(rows, pending, report, first_seq, first_prev)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        return report.fail(report.head_seq + 1, f"it is malformed ({type(error).__name__})")


def _walk(rows: Iterable[Row], pending: dict[int, list[dict]], report: Report,
          first_seq: int, first_prev: str | None) -> Report:
    expected, prev = first_seq, first_prev
    sha256, encode, valid = hashlib.sha256, chain.encode, chain.valid
    for row in rows:
        seq, at, actor, action, subject, objects, details, prev_hash, stored = row
        if seq != expected:
            return report.fail(expected, f"event {expected} is missing (found {seq})")
        if prev is not None and prev_hash != prev:
            return report.fail(seq, "its previous hash does not match the event before it")
        if at is None:  # redacted: its content digest stands in for its content
            digest = bytes.fromhex(details)
        else:
            content = encode(seq, at, actor, action, subject, objects, details)
            if not valid(content):
                return report.fail(seq, "a field holds a separator character")
            digest = sha256(content.encode()).digest()
        if sha256(bytes.fromhex(prev_hash) + digest).hexdigest() != stored:
            return report.fail(seq, "its content does not match its hash")
        for checkpoint in pending.pop(seq, ()):
            if checkpoint["hash"] != stored:
                return report.fail(seq, "a signed checkpoint names another hash for it")
            report.checkpoints += 1
        report.events, report.head_seq, report.head_hash = report.events + 1, seq, stored
        expected, prev = seq + 1, stored
    if pending:
        seq = min(pending)
        return report.fail(seq, f"a signed checkpoint covers event {seq}, which is missing")
    return report


def _checkpoints_by_seq(checkpoints: Iterable[dict], public_key: bytes,
                        report: Report) -> dict[int, list[dict]]:
    """Check each checkpoint's key and signature; index them by the event they cover."""
    by_seq: dict[int, list[dict]] = {}
    trusted = chain.key_id(public_key)
    for checkpoint in checkpoints:
        seq = _int(checkpoint["seq"])
        if checkpoint["key_id"] != trusted or not chain.signature_valid(
            public_key, seq, checkpoint["hash"], checkpoint["at"], checkpoint["signature"]
        ):
            report.fail(seq, "a checkpoint's key or signature is not valid")
            return {}
        by_seq.setdefault(seq, []).append(checkpoint)
    return by_seq


def database_rows(batch: int = 5000) -> Iterator[Row]:
    """Stream the stored events in order, in the shape `verify_rows` reads."""
    columns = (AuditEvent.seq, AuditEvent.at, AuditEvent.actor, AuditEvent.action,
               AuditEvent.subject, AuditEvent.objects_json, AuditEvent.details_json,
               AuditEvent.prev_hash, AuditEvent.hash)
    result = db.session.execute(
        select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )
    fmt = chain.format_at
    try:
        for seq, at, *rest in result:
            yield (seq, fmt(at), *rest)
    finally:
        result.close()  # a verification that stops early must not leave a server cursor open


def database_checkpoints() -> list[dict]:
    """Return the stored checkpoints as dicts."""
    return [c.as_dict() for c in db.session.scalars(
        select(AuditCheckpoint).order_by(AuditCheckpoint.seq))]


def verify_database(public_key: bytes) -> Report:
    """Verify the whole stored chain from its first event, and every stored checkpoint."""
    rows = database_rows()
    try:
        return verify_rows(rows, database_checkpoints(), public_key)
    finally:
        rows.close()


def export_rows(events: list[dict[str, Any]]) -> Iterator[Row]:
    """Turn exported events (full or redacted) into rows; malformed entries raise ValueError."""
    canonical = chain.canonical_json
    for event in events:
        seq, prev_hash, stored = _int(event["seq"]), _hex(event["prev_hash"]), _hex(event["hash"])
        if event.get("redacted") is True:
            yield (seq, None, None, None, None, None, _hex(event["content_hash"]), prev_hash,
                   stored)
            continue
        if not isinstance(event["objects"], dict) or not isinstance(event["details"], dict):
            raise ValueError(f"event {seq}: objects and details must be maps")
        texts = [event[k] for k in ("at", "actor", "action")]
        subject = event["subject"]
        if not all(isinstance(t, str) for t in texts) or not (
            subject is None or isinstance(subject, str)
        ):
            raise ValueError(f"event {seq}: a text field is not text")
        yield (seq, *texts, subject, canonical(event["objects"]), canonical(event["details"]),
               prev_hash, stored)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ValueError("a sequence number is not a whole number")
    return value


def _hex(value: Any) -> str:
    if not isinstance(value, str) or not HEX64.fullmatch(value):
        raise ValueError("a hash is not 64 lower-case hex digits")
    return value


def verify_and_record(public_key: bytes, *, actor) -> Report:
    """Verify the stored chain, then record that it was checked and what was found."""
    report = verify_database(public_key)
    db.session.rollback()  # end the verifying read before the append takes the chain lock
    audit.record(audit.AuditAction.AUDIT_VERIFIED, actor=actor, ok=report.ok,
                 events=report.events, checkpoints=report.checkpoints, bad_seq=report.bad_seq)
    return report
