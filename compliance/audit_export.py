"""Audit exports: events, checkpoints and the public key in one file that verifies on its own.

An export ends with a checkpoint signed at export time over its last event, so that a file cut
short fails verification too, and with the whole log's head, checkpointed and stored at export
time, which makes every export a witness of the log (`audit verify --witness`). Filtering by
subject keeps the other events of the period as digests only: the chain still links, their
content stays out of the file.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select

from compliance import audit, chain, checkpoints
from compliance.audit import AuditAction, AuditEvent
from compliance.checkpoints import AuditCheckpoint
from compliance.db import db, utcnow
from compliance.verify import Report, export_rows, verify_rows

FORMAT = "fairscreen.audit-export.v1"


class ExportError(ValueError):
    """Nothing to export, or a file that is not an export; the message says which."""


@dataclass
class ExportSummary:
    first: int
    last: int
    events: int
    redacted: int


def seq_range(since: datetime | None, until: datetime | None) -> tuple[int, int]:
    """Return the first and last seq of the events from `since` up to `until` (both included)."""
    low = select(func.min(AuditEvent.seq))
    high = select(func.max(AuditEvent.seq))
    if since is not None:
        low, high = low.where(AuditEvent.at >= since), high.where(AuditEvent.at >= since)
    if until is not None:
        low, high = low.where(AuditEvent.at <= until), high.where(AuditEvent.at <= until)
    first, last = db.session.scalar(low), db.session.scalar(high)
    if first is None:
        raise ExportError("no audit events in that period")
    return first, last


def export(out: IO[str], *, since: datetime | None = None, until: datetime | None = None,
           subject: str | None = None, actor: Any = "system") -> ExportSummary:
    """Write an export of the period (all events, or one subject's) and audit it."""
    first, last = seq_range(since, until)
    public_key = checkpoints.instance_public_key()
    summary = ExportSummary(first, last, 0, 0)
    head_hash = chain.GENESIS
    out.write("{" + _pairs({
        "format": FORMAT, "exported_at": chain.format_at(utcnow()),
        "filter": {"since": since and since.isoformat(), "until": until and until.isoformat(),
                   "subject": subject},
        "public_key": base64.b64encode(public_key).decode(),
        "key_id": chain.key_id(public_key),
    }) + ',\n"events":[\n')
    for index, event in enumerate(_events(first, last)):
        entry = _entry(event, subject)
        summary.events += 1
        summary.redacted += bool(entry.get("redacted"))
        out.write((",\n" if index else "") + json.dumps(entry, ensure_ascii=False))
        head_hash = event.hash
    stored = db.session.scalars(select(AuditCheckpoint).where(
        AuditCheckpoint.seq.between(first, last)).order_by(AuditCheckpoint.seq))
    out.write('\n],\n"checkpoints":' + json.dumps([c.as_dict() for c in stored]))
    audit.record(AuditAction.AUDIT_EXPORTED, actor=actor, first=first, last=last,
                 events=summary.events, redacted=summary.redacted, by_subject=bool(subject))
    # The whole log's head, signed and stored now: a witness of everything up to this export.
    out.write(',\n"head_checkpoint":' + json.dumps(audit.checkpoint_head()))
    out.write(',\n"export_checkpoint":' + json.dumps(checkpoints.signed(last, head_hash)) + "}\n")
    return summary


def _pairs(mapping: dict) -> str:
    return ",".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}"
                    for k, v in mapping.items())


def _events(first: int, last: int):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.seq.between(first, last)).order_by(AuditEvent.seq)
        .execution_options(yield_per=2000)
    )


def _entry(event: AuditEvent, subject: str | None) -> dict[str, Any]:
    if subject is not None and event.subject != subject:
        return {"seq": event.seq, "redacted": True, "prev_hash": event.prev_hash,
                "content_hash": event.content_digest().hex(), "hash": event.hash}
    return {"seq": event.seq, "at": chain.format_at(event.at), "actor": event.actor,
            "action": event.action, "subject": event.subject, "objects": event.objects,
            "details": event.details, "prev_hash": event.prev_hash, "hash": event.hash}


def verify_file(path: Path, trusted_key: bytes | None = None) -> Report:
    """Verify an export file on its own: chain, checkpoints, and the closing checkpoint."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return Report().fail(None, "the file is not a complete export (cut short or damaged)")
    return verify_export(data, trusted_key)


def verify_export(data: Any, trusted_key: bytes | None = None) -> Report:
    """Verify a parsed export: chain, checkpoints, and the closing checkpoint."""
    report = Report()
    try:
        if data.get("format") != FORMAT:
            return report.fail(None, "the file is not a Fairscreen audit export")
        public_key = base64.b64decode(data["public_key"], validate=True)
        events, final = list(data["events"]), data["export_checkpoint"]
        stored = list(data["checkpoints"])
        first_seq = events[0]["seq"] if events else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return report.fail(None, "the file is not a complete export (cut short or damaged)")
    if trusted_key is not None and public_key != trusted_key:
        return report.fail(None, "the export is signed by a key other than this instance's")
    if not events or not isinstance(final, dict):
        return report.fail(None, "the export holds no events or no closing checkpoint")
    report = verify_rows(export_rows(events), [*stored, final],
                         public_key, first_seq=first_seq, first_prev=None)
    if report.ok and final.get("seq") != report.head_seq:
        return report.fail(report.head_seq, "the closing checkpoint is not over the last event")
    return report
