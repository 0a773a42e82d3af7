"""Produce signed reports: render, sign, audit; the one path of pages, commands and tasks."""

from collections.abc import Callable
from typing import Any

from compliance import audit, checkpoints
from compliance.audit import AuditAction
from compliance.reports.pdfa import digest
from compliance.reports.records import KINDS, AccessReport, Dpia, RecordOfProcessing, render_record
from compliance.reports.signing import sign_pdf
from compliance.reports.trail import TrailScope, export_document, render_trail
from compliance.subjects import Subject
from compliance.witness import Head

Progress = Callable[[str], None]  # told "rendering", then "signing"
REASON = "Fairscreen report: issued by the controller, verifiable with its certificate"


def produce_trail(scope: TrailScope, *, actor: Any, lang: str, subject: Subject | None = None,
                  progress: Progress | None = None) -> bytes:
    """Export the scope, render the trail, sign it and audit that it was issued; caller commits."""
    progress = progress or _quiet
    document = export_document(scope, actor=actor)
    progress("rendering")
    pdf = render_trail(document, scope, lang=lang,
                       trusted_key=checkpoints.instance_public_key())
    progress("signing")
    signed = sign_pdf(pdf, reason=REASON)
    audit.record(AuditAction.REPORT_GENERATED, actor=actor, subject=subject,
                 objects=_objects(scope.kind, scope.reference), kind="audit", lang=lang,
                 events=len(document["events"]), sha256=digest(signed))
    return signed


def produce_record(record: AccessReport | RecordOfProcessing | Dpia, *, actor: Any, lang: str,
                   objects: dict[str, int] | None = None,
                   subject: Subject | None = None, progress: Progress | None = None) -> bytes:
    """Render one of the records, sign it and audit that it was issued; caller commits."""
    progress = progress or _quiet
    head = audit.checkpoint_head()  # signed and stored now; the PDF carries it as a witness
    progress("rendering")
    pdf = render_record(record, lang=lang, audit_head=Head.of(head).line() if head else None)
    progress("signing")
    signed = sign_pdf(pdf, reason=REASON)
    kind = KINDS[type(record)][1].split(".")[1]
    audit.record(AuditAction.REPORT_GENERATED, actor=actor, subject=subject,
                 objects=objects or {}, kind=kind, lang=lang, sha256=digest(signed))
    return signed


def _objects(kind: str, reference: str) -> dict[str, int]:
    return {kind: int(reference)} if kind in ("candidate", "vacancy") else {}


def _quiet(stage: str) -> None:
    """Ignore progress when nobody is watching."""
