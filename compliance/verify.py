"""Verification: recompute the chain and check every signature, from the database or a file.

Beyond the chain, the stored log is checked for what a database owner could do without the
signing key: an unsigned head older than the checkpoint interval, rows newer than the log's
last event, and heads witnessed outside the database that the log no longer holds.
"""

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import column, func, select, text

from compliance import audit, chain, checkpoints, witness
from compliance.accounts import User
from compliance.checkpoints import AuditCheckpoint
from compliance.db import UTCDateTime, db, utcnow
from compliance.subjects import Subject

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
    unsigned: int = 0  # events after the last checkpoint
    unsigned_minutes: float = 0.0  # how long the oldest of them has waited
    late: int = 0  # checkpoints that signed events older than the interval (a warning)
    late_minutes: float = 0.0  # the longest such wait
    witnessed: int = 0  # heads witnessed outside the database, all found in it

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


# A checkpoint is due T minutes after an event; the periodic task looks once a minute.
GRACE = timedelta(minutes=1)


def verify_log(public_key: bytes, heads: Iterable[witness.Head] = (),
               now: datetime | None = None) -> Report:
    """Verify the stored chain, its witnessed heads, and that its head is signed in time."""
    report = verify_database(public_key)
    heads = sorted(set(heads))
    if report.ok and heads:
        finding = witness.check(heads, public_key, report.head_seq)
        if finding is not None:
            return report.fail(finding.seq, finding.problem)
        report.witnessed = len(heads)
    if report.ok:
        _check_coverage(report, now or utcnow())
    return report


def _check_coverage(report: Report, now: datetime) -> None:
    """Fail on an unsigned head older than T, or on rows newer than the log's last event."""
    limit = timedelta(minutes=checkpoints.minutes())
    _count_late(report, limit)
    latest = db.session.scalar(select(func.max(AuditCheckpoint.seq))) or 0
    head_at = db.session.scalar(select(audit.AuditEvent.at).where(
        audit.AuditEvent.seq == report.head_seq))
    if report.head_seq > latest:
        first_at = db.session.scalar(select(audit.AuditEvent.at).where(
            audit.AuditEvent.seq == latest + 1))
        report.unsigned = report.head_seq - latest
        report.unsigned_minutes = (now - first_at).total_seconds() / 60
        if now - first_at > limit + GRACE:
            report.fail(latest + 1, f"{report.unsigned} events after the last checkpoint have "
                                    f"waited {report.unsigned_minutes:.0f} minutes for a "
                                    f"signature (at most {limit.total_seconds() / 60:g}): the "
                                    "head is not covered")
            return
    newest = max(filter(None, [db.session.scalar(select(func.max(User.created_at))),
                               db.session.scalar(select(func.max(Subject.created_at)))]),
                 default=None)
    if newest is not None and (head_at is None or newest > head_at + limit):
        # Creating an account or a candidate is always recorded, in the same transaction.
        where = f"event {report.head_seq}" if head_at else "its first event"
        report.fail(None, f"the database holds accounts or candidates created after the log's "
                          f"last event ({where}): the log was emptied or its tail removed")


_WAITS = text(
    "SELECT c.at AS signed_at, e.at AS first_at FROM (SELECT seq, at, "
    "coalesce(lag(seq) OVER (ORDER BY seq), 0) + 1 AS first FROM audit_checkpoint) c "
    "JOIN audit_event e ON e.seq = c.first"
).columns(column("signed_at", UTCDateTime), column("first_at", UTCDateTime))


def _count_late(report: Report, limit: timedelta) -> None:
    """Count checkpoints that signed an event older than T: a worker that was stopped, or a
    checkpoint deleted between them. A warning: an honest log may have them."""
    for signed_at, first_at in db.session.execute(_WAITS):
        wait = signed_at - first_at
        if wait > limit + GRACE:
            report.late += 1
            report.late_minutes = max(report.late_minutes, wait.total_seconds() / 60)


def verify_and_record(public_key: bytes, *, actor,
                      heads: Iterable[witness.Head] = ()) -> Report:
    """Verify the stored log (and witnessed heads), then record what was found."""
    report = verify_log(public_key, heads)
    db.session.rollback()  # end the verifying read before the append takes the chain lock
    audit.record(audit.AuditAction.AUDIT_VERIFIED, actor=actor, ok=report.ok,
                 events=report.events, checkpoints=report.checkpoints, bad_seq=report.bad_seq,
                 unsigned=report.unsigned, late=report.late, witnessed=report.witnessed)
    return report
