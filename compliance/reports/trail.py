"""Audit trail reports: an `audit export` document, summarised and laid out for counsel.

The PDF embeds the export document as `audit export` writes it, so the chain can be verified
from the PDF alone; a narrower scope keeps the other events as digests, as exports do.
"""

import io
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from compliance import chain
from compliance.audit_export import ExportError, export
from compliance.db import utcnow
from compliance.reports.pdfa import digest
from compliance.reports.records import controller_from_settings
from compliance.verify import Report
from compliance.witness import Head

__all__ = ["ExportError", "TrailScope", "export_document", "render_trail"]

Keep = Callable[[dict[str, Any]], bool]
DATA_NAME = "audit-export.json"


@dataclass
class TrailScope:
    """What a trail covers: a period, one subject's events, and/or events a predicate keeps."""

    kind: str  # candidate, vacancy or period
    reference: str  # an id or the period: never a name
    since: datetime | None = None
    until: datetime | None = None
    subject: str | None = None  # the subject's audit pseudonym
    keep: Keep | None = None


@dataclass
class TrailSummary:
    events: int
    redacted: int
    first: int | None
    last: int | None
    counts: list[tuple[str, int]]
    verification: Report
    covering: dict[int, int] = field(default_factory=dict)  # event seq -> checkpoint seq


def export_document(scope: TrailScope, *, actor: Any) -> dict[str, Any]:
    """Export the scope's events exactly as `audit export` does, narrowed by `scope.keep`."""
    out = io.StringIO()
    export(out, since=scope.since, until=scope.until, subject=scope.subject, actor=actor)
    document = json.loads(out.getvalue())
    if scope.keep is not None:
        document["events"] = [_narrow(e, scope.keep) for e in document["events"]]
    return document


def _narrow(entry: dict[str, Any], keep: Keep) -> dict[str, Any]:
    """Keep an event whole, or reduce it to its digest the way a subject export does."""
    if entry.get("redacted") or keep(entry):
        return entry
    digest = chain.content_digest(
        entry["seq"], entry["at"], entry["actor"], entry["action"], entry["subject"],
        chain.canonical_json(entry["objects"]), chain.canonical_json(entry["details"]))
    return {"seq": entry["seq"], "redacted": True, "prev_hash": entry["prev_hash"],
            "content_hash": digest.hex(), "hash": entry["hash"]}


def document_bytes(document: dict[str, Any]) -> bytes:
    """Encode the export document as the PDF embeds it."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def checkpoints_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the stored checkpoints and the closing export checkpoint, in order."""
    closing = document.get("export_checkpoint")
    return [*document.get("checkpoints", []), *([closing] if closing else [])]


def summarise(document: dict[str, Any], raw: bytes, trusted_key: bytes | None) -> TrailSummary:
    """Count the events per action and verify the chain the document holds."""
    from compliance.reports.verify import verify_export_bytes  # pyHanko, where it is used

    shown = [e for e in document["events"] if not e.get("redacted")]
    seqs = [e["seq"] for e in document["events"]]
    checkpoint_seqs = sorted(c["seq"] for c in checkpoints_of(document))
    return TrailSummary(
        events=len(shown), redacted=len(seqs) - len(shown),
        first=min(seqs, default=None), last=max(seqs, default=None),
        counts=sorted(Counter(e["action"] for e in shown).items()),
        verification=verify_export_bytes(raw, trusted_key),
        covering=_covering(shown, checkpoint_seqs),
    )


def _covering(events: list[dict[str, Any]], checkpoint_seqs: list[int]) -> dict[int, int]:
    """Map each event to the first checkpoint at or after it: the signature that covers it."""
    covering, index = {}, 0
    for event in events:
        while index < len(checkpoint_seqs) and checkpoint_seqs[index] < event["seq"]:
            index += 1
        if index < len(checkpoint_seqs):
            covering[event["seq"]] = checkpoint_seqs[index]
    return covering


def _head_line(document: dict[str, Any]) -> str | None:
    """The log's head stored at export time, as a line a reader can copy into a check."""
    head = document.get("head_checkpoint")
    return Head.of(head).line() if isinstance(head, dict) else None


def render_trail(document: dict[str, Any], scope: TrailScope, *, lang: str,
                 trusted_key: bytes | None = None) -> bytes:
    """Render the trail PDF (unsigned): summary page, events in order, then the checkpoints."""
    from compliance.reports.render import render_pdf  # WeasyPrint, where it is used

    raw = document_bytes(document)
    summary = summarise(document, raw, trusted_key)
    return render_pdf(
        "trail.html", lang, data=raw, data_name=DATA_NAME, title=_l("Audit trail"), scope=scope,
        summary=summary, document=document, checkpoints=checkpoints_of(document),
        controller=controller_from_settings(), data_digest=digest(raw), generated_at=utcnow(),
        bad_seq=summary.verification.bad_seq, audit_head=_head_line(document),
        events=(e for e in document["events"] if not e.get("redacted")),
    )
