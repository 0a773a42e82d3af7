"""The audit log: one append-only, hash-chained record of every processing step.

Appends are serialised across processes (a PostgreSQL advisory lock, SQLite's write lock taken
up front), so the chain never forks: each event links to the one committed before it.
"""

import enum
import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from huey import crontab
from sqlalchemy import Index, Integer, String, Text, column, text
from sqlalchemy.orm import Mapped, mapped_column

from compliance import chain, checkpoints, read_journal
from compliance.chain import GENESIS, SEPARATOR
from compliance.db import UTCDateTime, db, utcnow
from compliance.queue import periodic
from compliance.subjects import Subject

__all__ = ["GENESIS", "AuditAction", "AuditEvent", "record", "pseudonym"]


class AuditAction(enum.StrEnum):
    """The closed vocabulary of audited actions."""

    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    ACCESS_DENIED = "access.denied"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    SETTINGS_UPDATED = "settings.updated"
    VACANCY_CREATED = "vacancy.created"
    VACANCY_UPDATED = "vacancy.updated"
    CANDIDATE_CREATED = "candidate.created"
    CANDIDATE_UPDATED = "candidate.updated"
    CANDIDATE_DECIDED = "candidate.decided"
    CONSENT_REQUESTED = "consent.requested"
    CONSENT_GIVEN = "consent.given"
    CONSENT_DECLINED = "consent.declined"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSENT_EXPIRED = "consent.expired"
    SCREENING_STARTED = "screening.started"
    SCREENING_COMPLETED = "screening.completed"
    SCREENING_FAILED = "screening.failed"
    FINDINGS_VIEWED = "findings.viewed"
    NOTIFICATION_SENT = "notification.sent"
    RIGHTS_REQUESTED = "rights.requested"
    RIGHTS_RESOLVED = "rights.resolved"
    SUBJECT_ERASED = "subject.erased"
    RETENTION_SWEPT = "retention.swept"
    AUDIT_EXPORTED = "audit.exported"
    AUDIT_VERIFIED = "audit.verified"
    KEYS_ROTATED = "keys.rotated"
    SCREENING_QUEUED = "screening.queued"
    SCREENING_STOPPED = "screening.stopped"
    CONTEXT_ADDED = "finding.context_added"
    COMMENT_WINDOW_WAIVED = "comment_window.waived"
    EXPORT_UPLOADED = "export.uploaded"
    DATA_ACCESSED = "data.accessed"
    NOTIFICATION_FAILED = "notification.failed"
    REPORT_GENERATED = "report.generated"
    REPORT_REQUESTED = "report.requested"
    REPORT_DOWNLOADED = "report.downloaded"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    PERSONAL_DATA_VIEWED = "personal_data.viewed"  # by staff; the candidate's own is DATA_ACCESSED
    AUDIT_HEAD_SENT = "audit.head_sent"  # a signed head e-mailed outside the database
    SESSIONS_ENDED = "sessions.ended"  # every session of a user, by the user or an admin
    CASE_MOVED = "case.moved"  # one per transition of a case's life (screening/lifecycle.py)
    CONSENT_REMINDED = "consent.reminded"  # the one reminder 3 days before a request expires
    TALENT_POOL_RENEWAL_ASKED = "talent_pool.renewal_asked"  # before the pool's year ends
    RIGHTS_EXTENDED = "rights.extended"  # Art. 12(3): the deadline moved, the candidate told
    LEGAL_HOLD_PLACED = "legal_hold.placed"
    LEGAL_HOLD_RELEASED = "legal_hold.released"
    INVITATION_SENT = "invitation.sent"  # a staff member invited by e-mail (or invited again)
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_REVOKED = "invitation.revoked"
    PASSWORD_RESET_REQUESTED = "password_reset.requested"  # only for an existing account
    PASSWORD_RESET = "password_reset.done"
    SECOND_FACTOR_ENROLLED = "second_factor.enrolled"
    SECOND_FACTOR_REMOVED = "second_factor.removed"  # by the user, or reset by an admin
    SECOND_FACTOR_FAILED = "second_factor.failed"  # a wrong code at login; the code is not kept
    RECOVERY_CODE_USED = "recovery_code.used"
    RECOVERY_CODES_RENEWED = "recovery_codes.renewed"
    LINK_REQUESTED = "link.requested"  # a fresh link asked for from a dead one (sent or not)


class AuditEvent(db.Model):
    """One event; the migration's triggers refuse UPDATE and DELETE on this table."""

    __tablename__ = "audit_event"
    # A subject's events of some actions (a case's timeline) are found without reading every
    # staff read of that subject; lookups by subject alone use the same index.
    __table_args__ = (Index("ix_audit_event_subject_action", "subject", "action"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str | None] = mapped_column(String(64))
    # Stored as canonical JSON text, hashed verbatim: no re-encoding between write and verify.
    objects_json: Mapped[str] = mapped_column("objects", Text)
    details_json: Mapped[str] = mapped_column("details", Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    @property
    def objects(self) -> dict[str, Any]:
        return json.loads(self.objects_json)

    @property
    def details(self) -> dict[str, Any]:
        return json.loads(self.details_json)

    def content_digest(self) -> bytes:
        """Return the digest of this event's canonical content."""
        return chain.content_digest(self.seq, chain.format_at(self.at), self.actor, self.action,
                                    self.subject, self.objects_json, self.details_json)


def pseudonym(subject: Subject) -> str:
    """Return the subject's keyed pseudonym; it cannot be linked once the secret is deleted."""
    return pseudonym_of(subject.pseudonym_secret)


def pseudonym_of(secret: bytes) -> str:
    """Return the pseudonym a subject's secret yields."""
    return hmac.digest(secret, b"fairscreen-subject", "sha256").hex()


def actor_label(actor: Any) -> str:
    """Name an actor as `user:<id>`, `candidate` or `system`."""
    label = actor if isinstance(actor, str) else f"user:{actor.id}"
    if SEPARATOR in label or not label:
        raise ValueError("an actor label must be non-empty plain text")
    return label


_ALLOWED_DETAIL_TYPES = (int, float, bool, str, type(None))


def _check_details(details: dict[str, Any]) -> dict[str, Any]:
    """Keep details to counts, ids, codes and hashes: flat scalars, lists of them, or counts
    keyed by code (`{"lexicon:health": 2}`)."""
    for key, value in details.items():
        if isinstance(value, dict):
            if not all(isinstance(k, str) and type(n) is int for k, n in value.items()):
                raise TypeError(f"audit detail {key!r} must map codes to counts")
            continue
        values = value if isinstance(value, list | tuple) else [value]
        if not all(isinstance(v, _ALLOWED_DETAIL_TYPES) for v in values):
            raise TypeError(f"audit detail {key!r} must be a scalar or a list of scalars")
    return {k: list(v) if isinstance(v, tuple) else v for k, v in details.items()}


def canonical_details(values: dict[str, Any]) -> str:
    """Check objects or details as `record` does and return their canonical JSON text."""
    return chain.canonical_json(_check_details(values))


def lock_chain() -> None:
    """Take the chain's append lock for the rest of the current transaction."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Keyed by schema, so that separate schemas (tests, tenants) do not wait on each other.
        connection.execute(text(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_event'))"
        ))
        return
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        # pysqlite reads outside a transaction until the first write; taking the write lock
        # now makes the head we read next the head we append to.
        raw.execute("BEGIN IMMEDIATE")


_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.audit_event'))")


def try_lock_chain() -> bool:
    """Take the chain's append lock if no one holds it; never wait for it.

    On SQLite the lock is the database's one write lock: a transaction that has written (a
    journaled read) holds it already, and one that has not waits for it as any write does.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return bool(connection.execute(_TRY_LOCK).scalar())
    lock_chain()
    return True


def _take_chain() -> tuple[int, str, tuple[int, datetime] | None]:
    """Lock the chain, fold the reads waiting in the journal into it, and return its head:
    whoever appends first appends the reads that happened before."""
    lock_chain()
    read_journal.fold_locked()
    return _head_and_checkpoint()


def head() -> tuple[int, str]:
    """Return the last event's sequence number and hash (0 and GENESIS on an empty log)."""
    seq, head_hash, _checkpoint = _head_and_checkpoint()
    return seq, head_hash


# Static SQL: appends are hot, and building statements costs more than running them.
_HEAD = text(
    "SELECT (SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 1),"
    " (SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1),"
    " (SELECT seq FROM audit_checkpoint ORDER BY seq DESC LIMIT 1),"
    " (SELECT at FROM audit_checkpoint ORDER BY seq DESC LIMIT 1)"
).columns(column("seq", Integer), column("hash", String), column("checkpoint_seq", Integer),
          column("checkpoint_at", UTCDateTime))


def _head_and_checkpoint() -> tuple[int, str, tuple[int, datetime] | None]:
    """Read the head and the latest checkpoint in one round trip."""
    seq, head_hash, checkpoint_seq, checkpoint_at = db.session.execute(_HEAD).one()
    latest = (checkpoint_seq, checkpoint_at) if checkpoint_seq is not None else None
    return (seq or 0), (head_hash or GENESIS), latest


def _row(seq: int, prev_hash: str, at: datetime, actor: str, action: str,
         subject: str | None, objects: dict | None, details: dict) -> dict[str, Any]:
    objects_json, details_json = chain.canonical_json(objects or {}), chain.canonical_json(details)
    digest = chain.content_digest(seq, chain.format_at(at), actor, action, subject,
                                  objects_json, details_json)
    # Keyed by column name, ready for a Core insert.
    return {"seq": seq, "at": at, "actor": actor, "action": action, "subject": subject,
            "objects": objects_json, "details": details_json,
            "prev_hash": prev_hash, "hash": chain.link(prev_hash, digest)}


def record(
    action: AuditAction,
    *,
    actor: Any,
    subject: Subject | None = None,
    objects: dict[str, Any] | None = None,
    **details: Any,
) -> AuditEvent:
    """Append one event to the chain; the caller commits (which releases the chain lock).

    Returns the appended event as a plain object, not attached to the session.
    """
    label, action_value = actor_label(actor), AuditAction(action).value
    subject_pseudonym = pseudonym(subject) if subject is not None else None
    details = _check_details(details)
    seq, prev_hash, latest = _take_chain()
    row = _row(seq + 1, prev_hash, utcnow(), label, action_value, subject_pseudonym, objects,
               details)
    _insert([tuple(row[column] for column in _COLUMNS)])
    if checkpoints.due_after(row["seq"], row["at"], latest):
        checkpoints.write(row["seq"], row["hash"])
    values = {k: v for k, v in row.items() if k not in ("objects", "details")}
    return AuditEvent(**values, objects_json=row["objects"], details_json=row["details"])


_COLUMNS = ("seq", "at", "actor", "action", "subject", "objects", "details", "prev_hash",
            "hash")


def _insert(rows: list[tuple]) -> None:
    """Insert rows (values in `_COLUMNS` order) through the driver: sweeps append thousands,
    and per-row overhead adds up."""
    connection = db.session.connection()
    dialect = connection.dialect
    # The dialect's own processor: the decorator's alone would leave the formatting to the
    # driver's (deprecated) default adapter, row by row.
    at_type = AuditEvent.__table__.c.at.type.dialect_impl(dialect)
    to_db = at_type.bind_processor(dialect) or (lambda value: value)
    stamps: dict[datetime, Any] = {}
    values = []
    for row in rows:
        at = row[1]
        if at not in stamps:
            stamps[at] = to_db(at)
        values.append((row[0], stamps[at], *row[2:]))
    if dialect.name == "postgresql" and len(values) > 1:
        # COPY is several times faster than a pipelined executemany for a sweep's thousands.
        with connection.connection.dbapi_connection.cursor() as cursor:
            with cursor.copy(f"COPY audit_event ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        return
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO audit_event ({', '.join(_COLUMNS)}) "
           f"VALUES ({', '.join([mark] * len(_COLUMNS))})")
    connection.exec_driver_sql(sql, values if len(values) > 1 else values[0])


def record_many(action: AuditAction, entries: Iterable[tuple[str | None, dict | None, dict]],
                *, actor: Any) -> int:
    """Append many events of one action at one instant: (pseudonym, objects, details) each.

    Made for sweeps that erase thousands of subjects: one lock, one time, one insert.
    """
    label, action_value = actor_label(actor), AuditAction(action).value
    seq, prev_hash, latest = _take_chain()
    at = utcnow()
    at_text, sha256, encoded = chain.format_at(at), hashlib.sha256, _Canonical()
    prev_bytes, rows = bytes.fromhex(prev_hash), []
    for subject_pseudonym, objects, details in entries:
        seq += 1
        objects_json, details_json = encoded(objects), encoded(details, check=True)
        content = chain.encode(seq, at_text, label, action_value, subject_pseudonym,
                               objects_json, details_json)
        prev_bytes = sha256(prev_bytes + sha256(content.encode()).digest()).digest()
        link = prev_bytes.hex()
        # In `_COLUMNS` order.
        rows.append((seq, at, label, action_value, subject_pseudonym, objects_json,
                     details_json, prev_hash, link))
        prev_hash = link
    if rows:
        _insert(rows)
        every = checkpoints.every()
        for row in rows[:-1]:
            if every and row[0] % every == 0:
                checkpoints.write(row[0], row[-1])
                latest = (row[0], at)
        if checkpoints.due_after(rows[-1][0], at, latest):
            checkpoints.write(rows[-1][0], rows[-1][-1])
    return len(rows)


def append_journaled(entries: list[tuple]) -> int:
    """Append events written down earlier, each at its own time: (at, actor, action, pseudonym,
    objects JSON, details JSON), the JSON canonical already. The caller holds the chain lock.

    The head is signed at once when the batch holds a read that waited half the checkpoint
    interval, so that an event that arrives late is still signed in time.
    """
    seq, prev_hash, latest = _head_and_checkpoint()
    rows = []
    for at, actor, action, subject_pseudonym, objects_json, details_json in entries:
        seq += 1
        digest = chain.content_digest(seq, chain.format_at(at), actor, action,
                                      subject_pseudonym, objects_json, details_json)
        link = chain.link(prev_hash, digest)
        rows.append((seq, at, actor, action, subject_pseudonym, objects_json, details_json,
                     prev_hash, link))  # in `_COLUMNS` order
        prev_hash = link
    if not rows:
        return 0
    _insert(rows)
    now = utcnow()
    for row in rows[:-1]:
        if checkpoints.on_count(row[0]):
            checkpoints.write(row[0], row[-1])
            latest = (row[0], now)
    waited = now - min(row[1] for row in rows) >= timedelta(minutes=checkpoints.minutes()) / 2
    if waited or checkpoints.due_after(rows[-1][0], now, latest):
        checkpoints.write(rows[-1][0], rows[-1][-1])
    return len(rows)


class _Canonical:
    """Canonical JSON of small maps, computed once per distinct map (sweeps repeat them)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, value: dict | None, *, check: bool = False) -> str:
        key = repr(value or {})  # tells 1 from True from 1.0, unlike the values' equality
        if key not in self.seen:
            self.seen[key] = chain.canonical_json(_check_details(value or {}) if check
                                                  else value or {})
        return self.seen[key]


def checkpoint_head() -> dict | None:
    """Sign the head now unless a checkpoint covers it already (every export and report does,
    so that each carries a head signed after its last event); return that checkpoint."""
    seq, head_hash, latest = _take_chain()
    if not seq:
        return None
    if latest is not None and latest[0] >= seq:
        return checkpoints.last().as_dict()
    return checkpoints.write(seq, head_hash).as_dict()


@periodic("audit.checkpoint", crontab(minute="*"))
def checkpoint_quiet_log() -> None:
    """Checkpoint the head when events have waited T minutes without one."""
    seq, head_hash, latest = _take_chain()
    if seq and checkpoints.due_after(seq, utcnow(), latest):
        checkpoints.write(seq, head_hash)
    db.session.commit()
