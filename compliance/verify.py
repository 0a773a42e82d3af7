"""Verification: recompute the chain and check every signature, from the database or a file."""

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from compliance import audit, chain
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
    """The hot loop: a million events should cost a few times their raw hashing, no more."""
    expected, prev = first_seq, first_prev
    sha256, fromhex = hashlib.sha256, bytes.fromhex
    prev_bytes = fromhex(prev) if prev is not None else b""

    def fail(seq: int, problem: str) -> Report:
        report.events, report.head_seq = expected - first_seq, expected - 1
        report.head_hash = prev or report.head_hash
        return report.fail(seq, problem)

    for seq, at, actor, action, subject, objects, details, prev_hash, stored in rows:
        if seq != expected:
            return fail(expected, f"event {expected} is missing (found {seq})")
        if prev_hash != prev:
            if prev is not None:
                return fail(seq, "its previous hash does not match the event before it")
            prev_bytes = fromhex(prev_hash)  # an export's first event: its anchor is given
        if at is None:  # redacted: its content digest stands in for its content
            digest = fromhex(details)
        else:
            # chain.encode, inlined: the same f-string, without a call per event.
            content = (f"{seq}\x1f{at}\x1f{actor}\x1f{action}\x1f"
                       f"{'' if subject is None else '=' + subject}\x1f{objects}\x1f{details}")
            if content.count("\x1f") != 6:
                return fail(seq, "a field holds a separator character")
            digest = sha256(content.encode()).digest()
        # prev_hash equals the previous event's hash, whose bytes are already at hand.
        link = sha256(prev_bytes + digest).digest()
        if link.hex() != stored:
            return fail(seq, "its content does not match its hash")
        if seq in pending:
            for checkpoint in pending.pop(seq):
                if checkpoint["hash"] != stored:
                    return fail(seq, "a signed checkpoint names another hash for it")
                report.checkpoints += 1
        expected, prev, prev_bytes = seq + 1, stored, link
    report.events, report.head_seq = expected - first_seq, expected - 1
    report.head_hash = prev or report.head_hash
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


# The time as canonical text, formatted by the database: parsing a million datetimes only to
# print them again would cost more than the hashing (SQLite keeps SQLAlchemy's text form).
AT_TEXT = {
    "sqlite": "replace(at, ' ', 'T') || 'Z'",
    "postgresql": """to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
}


def database_rows(batch: int = 10000) -> Iterator[Row]:
    """Stream the stored events in order, straight from the driver, as `verify_rows` reads."""
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    dialect = connection.dialect.name
    sql = (f"SELECT seq, {AT_TEXT[dialect]}, actor, action, subject, objects, details, "
           "prev_hash, hash FROM audit_event ORDER BY seq")
    # A named (server-side) cursor on PostgreSQL, so a long log is not loaded at once.
    cursor = raw.cursor(name="fairscreen_verify") if dialect == "postgresql" else raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield from rows
    finally:
        cursor.close()  # a verification that stops early must not leave a cursor open


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
