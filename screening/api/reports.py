"""Legal counsel's signed PDF reports through the API: start one, follow it, fetch the PDF."""

from flask import Response, abort, url_for
from marshmallow import Schema, fields

from compliance.accounts import Role
from compliance.db import db
from compliance.reports import jobs
from screening import access
from screening.api.auth import api_user, require_token
from screening.api.bodies import Blueprint
from screening.api.idempotency import idempotent
from screening.api.schemas import IdempotencyHeader
from screening.api.spec import document_errors
from screening.findings import FindingsRefused
from screening.reports import report_params
from screening.schemas import ReportRequestSchema

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1",
                description="Signed PDF reports: audit trails, access reports, records of "
                            "processing and DPIA starting points (legal counsel).")
blp.before_request(require_token)


@blp.before_request
def legal_only() -> None:
    access.require_role(api_user(), Role.LEGAL)


class ReportJobOut(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    stage = fields.String(required=True)
    progress = fields.Integer(required=True, metadata={"description": "0 to 100"})
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(required=True, allow_none=True)
    pdf_url = fields.String(required=True, allow_none=True,
                            metadata={"description": "where the signed PDF is, once done"})


def _out(job: jobs.ReportJob) -> dict:
    return {"id": job.id, "kind": job.kind, "stage": job.stage.value, "progress": job.progress,
            "created_at": job.created_at, "finished_at": job.finished_at,
            "pdf_url": url_for(".pdf", job_id=job.id) if job.available else None}


def _own_job(job_id: str) -> jobs.ReportJob:
    job = jobs.job_for(api_user(), job_id)
    if job is None:  # another user's job is as good as missing
        abort(404)
    return job


@blp.post("/reports")
@idempotent
@blp.arguments(IdempotencyHeader, location="headers")
@blp.arguments(ReportRequestSchema)
@blp.response(202, ReportJobOut)
@document_errors(blp, 409, 422)
def start(_headers, data):
    """Start rendering a signed report in the background; follow it at its Location."""
    user = api_user()
    try:
        params = report_params(user, data)
    except FindingsRefused:  # legal reads findings only for a rights request or a legal hold
        access.deny(user, "candidate", data["candidate"])
    job = jobs.request_report(data["kind"], params, actor=user, lang=data["lang"])
    return _out(job), {"Location": url_for(".job", job_id=job.id)}


@blp.get("/reports/<string(length=32):job_id>")
@blp.response(200, ReportJobOut)
@document_errors(blp)
def job(job_id: str):
    """Follow a report: its stage and progress, and where its PDF is once done."""
    return _out(_own_job(job_id))


@blp.get("/reports/<string(length=32):job_id>/pdf")
@blp.response(200, content_type="application/pdf",
              description="The signed PDF/A-3 report, with its data embedded")
@document_errors(blp, 409)
def pdf(job_id: str):
    """Download the signed PDF; the download is audited."""
    job = _own_job(job_id)
    try:
        content = jobs.download(job, actor=api_user())
    except LookupError:
        abort(409, "The report is not ready, or is no longer kept.")
    db.session.commit()
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{job.filename}"'})
