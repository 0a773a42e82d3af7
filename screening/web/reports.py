"""Legal counsel's report pages: request a signed PDF, watch it render, download it."""

from datetime import datetime
from io import BytesIO

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from compliance import reads
from compliance.accounts import Role
from compliance.db import db
from compliance.reports import jobs
from compliance.validation import load_form
from compliance.web import select_locale
from compliance.web.gates import roles_only
from screening import access
from screening.findings import FindingsRefused
from screening.models import Candidate, Vacancy
from screening.reports import report_params
from screening.schemas import ReportRequestSchema

bp = Blueprint("reports", __name__, url_prefix="/legal/reports")

STAGE_LABELS = {
    jobs.Stage.QUEUED: _l("Waiting for a worker"), jobs.Stage.EXPORTING: _l("Exporting events"),
    jobs.Stage.RENDERING: _l("Laying out the PDF"), jobs.Stage.SIGNING: _l("Signing"),
    jobs.Stage.DONE: _l("Ready"), jobs.Stage.FAILED: _l("Failed"),
}
KIND_LABELS = {"audit": _l("Audit trail"), "access": _l("Access report (Art. 15)"),
               "ropa": _l("Record of processing (Art. 30)"), "dpia": _l("DPIA starting point")}


roles_only(bp, Role.LEGAL)


def _reports_page(values: dict, errors: dict, status: int = 200):
    vacancies = db.session.scalars(access.visible_vacancies(current_user)
                                   .order_by(Vacancy.title)).all()
    visible = access.visible_vacancies(current_user).with_only_columns(Vacancy.id)
    candidates = db.session.scalars(select(Candidate).where(Candidate.vacancy_id.in_(visible))
                                    .order_by(Candidate.id)).all()
    reads.note_many(current_user, [(c.subject_id, {"candidate": c.id}) for c in candidates])
    return render_template(
        "legal/reports.html", values=values, errors=errors,
        vacancies=[(v.id, f"{v.title} ({v.id})") for v in vacancies],
        candidates=[(c.id, f"{c.name} ({c.id}, {c.vacancy.title})") for c in candidates],
        languages=[("nl", _l("Dutch")), ("en", _l("English"))],
        jobs=_job_rows(jobs.recent_jobs(current_user)), stage_labels=STAGE_LABELS,
        kind_labels=KIND_LABELS, submitted=_form_key(values) if errors else "",
    ), status


def _form_key(form: dict) -> str:
    """Name the form of the page a refused request came from, to show its errors there."""
    kind = form.get("kind", "")
    if kind == "audit":
        scope = next((k for k in ("candidate", "vacancy") if form.get(k)), "period")
        return f"audit-{scope}"
    return kind if kind in ("access", "ropa", "dpia") else ""


def _job_rows(recent: list[jobs.ReportJob]) -> list[dict]:
    """Name each report by what it covers as well as its kind: three audit trails asked for
    a candidate, a vacancy and a period are three different reports, not one listed thrice."""
    titles = dict(db.session.execute(select(Vacancy.id, Vacancy.title).where(
        Vacancy.id.in_([j.params["vacancy"] for j in recent if "vacancy" in j.params]))).all())
    return [{"job": job, "covers": _covers(job.params, titles),
             "requested": format_datetime(job.created_at, "medium")} for job in recent]


def _covers(params: dict, titles: dict[int, str]) -> str:
    if "candidate" in params:
        return _("candidate %(id)s", id=params["candidate"])
    if "vacancy" in params:
        return _("vacancy \u201c%(title)s\u201d", title=titles.get(params["vacancy"], "–"))
    if "since" in params:
        return _("%(since)s to %(until)s",
                 # the calendar dates asked for, not shifted into the instance's time zone
                 since=format_date(datetime.fromisoformat(params["since"]).date(), "long"),
                 until=format_date(datetime.fromisoformat(params["until"]).date(), "long"))
    return ""


@bp.get("")
def index():
    return _reports_page({"lang": select_locale()}, {})


@bp.post("")
def request_report():
    data, errors = load_form(ReportRequestSchema(), request.form)
    if errors:
        return _reports_page(request.form.to_dict(), errors, 422)
    try:
        params = report_params(current_user, data)
    except FindingsRefused:
        errors = {"candidate": _("An access report holds the findings: legal counsel can ask for "
                                 "it only while the candidate has an open rights request or "
                                 "the data is under a legal hold.")}
        return _reports_page(request.form.to_dict(), errors, 422)
    job = jobs.request_report(data["kind"], params, actor=current_user, lang=data["lang"])
    return redirect(url_for("reports.report_job", job_id=job.id))


def _own_job(job_id: str) -> jobs.ReportJob:
    job = jobs.job_for(current_user, job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/<job_id>")
def report_job(job_id: str):
    job = _own_job(job_id)
    return render_template("legal/report_job.html", job=job, stage_labels=STAGE_LABELS,
                           kind_labels=KIND_LABELS)


@bp.get("/<job_id>/download")
def download(job_id: str):
    job = _own_job(job_id)
    try:
        pdf = jobs.download(job, actor=current_user)
    except LookupError:
        abort(404)
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=job.filename)
