"""Report jobs: long reports render in the background; the job row carries progress and the PDF.

A report with personal data in it (the access report) is kept sealed under its subject's data
key, so erasing the subject makes it unreadable too; every kept PDF is dropped after a day.
"""

import base64
import enum
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from huey import crontab
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from compliance import audit, vault
from compliance.accounts import User
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.queue import enqueue, periodic

TASK = "reports.render"


class Stage(enum.StrEnum):
    QUEUED = "queued"
    EXPORTING = "exporting"
    RENDERING = "rendering"
    SIGNING = "signing"
    DONE = "done"
    FAILED = "failed"


# The share of the work done when a stage begins, shown as the progress bar.
PROGRESS = {Stage.QUEUED: 0, Stage.EXPORTING: 10, Stage.RENDERING: 30, Stage.SIGNING: 90,
            Stage.DONE: 100, Stage.FAILED: 100}


class ReportJob(db.Model):
    """One requested report; only the user who asked for it can see or download it."""

    __tablename__ = "report_job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    params_json: Mapped[str] = mapped_column("params", Text)
    lang: Mapped[str] = mapped_column(String(2))
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    stage: Mapped[Stage] = mapped_column(str_enum(Stage), default=Stage.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Set when `pdf` is sealed under this subject data key rather than kept as it is.
    key_id: Mapped[str | None] = mapped_column(String(32))

    @property
    def params(self) -> dict[str, Any]:
        return json.loads(self.params_json)

    def params_objects(self) -> dict[str, int]:
        """Return the ids the job covers, as audit objects (a period is not an object)."""
        return {k: v for k, v in self.params.items() if k in ("candidate", "vacancy")}

    @property
    def finished(self) -> bool:
        return self.stage in (Stage.DONE, Stage.FAILED)

    @property
    def available(self) -> bool:
        return self.stage == Stage.DONE and self.pdf is not None

    @property
    def filename(self) -> str:
        reference = "-".join(f"{k}{v}" for k, v in self.params_objects().items())
        return f"fairscreen-{self.kind}{'-' + reference if reference else ''}.pdf"


def request_report(kind: str, params: dict[str, Any], *, actor: User, lang: str) -> ReportJob:
    """Record a report request and queue its rendering; commits, since the worker reads it."""
    job = ReportJob(id=secrets.token_hex(16), kind=kind, params_json=json.dumps(params),
                    lang=lang, requested_by=actor.id, stage=Stage.QUEUED, progress=0)
    db.session.add(job)
    audit.record(AuditAction.REPORT_REQUESTED, actor=actor, objects=job.params_objects(),
                 kind=kind)
    db.session.commit()
    enqueue(TASK, job.id)
    return job


def advance(job: ReportJob, stage: Stage) -> None:
    """Move the job to a stage and commit, so the page polling it sees the progress."""
    job.stage, job.progress = stage, PROGRESS[stage]
    if stage in (Stage.DONE, Stage.FAILED):
        job.finished_at = utcnow()
    db.session.commit()


def finish(job: ReportJob, pdf: bytes, *, key_id: str | None = None) -> None:
    """Keep the finished PDF (sealed under `key_id` if it holds personal data) and commit."""
    job.key_id = key_id
    job.pdf = (vault.encrypt(key_id, base64.b64encode(pdf).decode()).encode() if key_id
               else pdf)
    advance(job, Stage.DONE)


def job_for(user: User, job_id: str) -> ReportJob | None:
    """Return the user's own job, or None (someone else's job is as good as missing)."""
    job = db.session.get(ReportJob, job_id)
    return job if job is not None and job.requested_by == user.id else None


def download(job: ReportJob, *, actor: User) -> bytes:
    """Hand out a finished report's PDF and audit who took it; the caller commits."""
    if not job.available:
        raise LookupError("the report is not ready or no longer kept")
    try:
        pdf = (base64.b64decode(vault.decrypt(job.pdf.decode())) if job.key_id
               else job.pdf)
    except vault.ShreddedError:
        raise LookupError("the subject of the report has been erased") from None
    audit.record(AuditAction.REPORT_DOWNLOADED, actor=actor, objects=job.params_objects(),
                 kind=job.kind, job=job.id)
    return pdf


def recent_jobs(user: User, limit: int = 20) -> list[ReportJob]:
    """Return the user's latest report jobs, newest first."""
    return list(db.session.scalars(
        select(ReportJob).where(ReportJob.requested_by == user.id)
        .order_by(ReportJob.created_at.desc()).limit(limit)))


@periodic("reports.expire", crontab(minute="17"))
def expire_reports() -> int:
    """Drop the PDFs of reports finished longer ago than REPORT_KEEP_HOURS; commit."""
    hours = float(current_app.config.get("REPORT_KEEP_HOURS", 24))
    result = db.session.execute(
        update(ReportJob).where(ReportJob.finished_at < utcnow() - timedelta(hours=hours),
                                ReportJob.pdf.is_not(None)).values(pdf=None)
    )
    db.session.commit()
    return result.rowcount
