"""The recruiter's side of a case: ask consent, start and follow the run, read the findings."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance import consent, reads
from compliance.accounts import Role
from compliance.db import db
from compliance.web.gates import roles_only
from screening import access
from screening.case import request_consent
from screening.findings import FindingsRefused, read_findings
from screening.labels import case_error_message, failure_label, source_label
from screening.lifecycle import CaseError
from screening.runs import ConsentMissing, RunStatus, latest_run, missing_sources, queue_run
from screening.tallies import summarise

bp = Blueprint("review", __name__)


roles_only(bp, Role.RECRUITER, Role.LEGAL)


@bp.post("/candidates/<int:candidate_id>/consent-request")
def ask_consent(candidate_id: int):
    candidate = access.get_candidate(current_user, candidate_id, change=True)
    try:
        request_consent(candidate, actor=current_user)
    except CaseError as error:
        db.session.rollback()
        flash(case_error_message(error, CONSENT_ERRORS))
        return redirect(url_for("recruiter.candidate", candidate_id=candidate_id))
    db.session.commit()
    flash(_("The request for agreement is on its way to the candidate."))
    return redirect(url_for("recruiter.candidate", candidate_id=candidate_id))


CONSENT_ERRORS = {
    "assessment": lambda: _("Add a legitimate-interest assessment first."),
    "settings": lambda: _("An administrator must first fill in the controller and the data "
                          "protection officer in the organisation settings."),
}


@bp.post("/candidates/<int:candidate_id>/screening")
def start_screening(candidate_id: int):
    candidate = access.get_candidate(current_user, candidate_id, change=True)
    try:
        queue_run(candidate, actor=current_user)
    except CaseError as error:
        db.session.rollback()
        flash(case_error_message(error, {}))
        return redirect(url_for("recruiter.candidate", candidate_id=candidate_id))
    except ConsentMissing:
        db.session.rollback()
        flash(_("The candidate has not agreed to any source that can be fetched."))
        return redirect(url_for("recruiter.candidate", candidate_id=candidate_id))
    db.session.commit()
    return redirect(url_for("review.run", candidate_id=candidate_id))


@bp.get("/candidates/<int:candidate_id>/run")
def run(candidate_id: int):
    candidate = access.get_candidate(current_user, candidate_id)
    run = latest_run(candidate)
    reads.note(current_user, candidate.subject, {"candidate": candidate.id})
    return render_template("recruiter/run.html", candidate=candidate, run=run,
                           source_label=source_label, failure_label=failure_label,
                           totals=summarise(run.counts) if run else None,
                           missing=[source_label(k) for k in missing_sources(run)] if run else [],
                           active=run is not None and run.status in (RunStatus.QUEUED,
                                                                     RunStatus.RUNNING))


@bp.get("/candidates/<int:candidate_id>/findings")
def findings(candidate_id: int):
    candidate = access.get_candidate(current_user, candidate_id)
    try:
        items = read_findings(candidate, actor=current_user)
    except FindingsRefused:  # legal reads them only for a rights request or a legal hold
        db.session.rollback()
        access.deny(current_user, "candidate", candidate_id)
    run = latest_run(candidate)
    groups: dict[str, list] = {}
    for finding in items:
        groups.setdefault(finding.source_kind, []).append(finding)
    return render_template("recruiter/findings.html", candidate=candidate, run=run,
                           groups=groups, source_label=source_label,
                           totals=summarise(run.counts) if run else None,
                           missing=[source_label(k) for k in missing_sources(run)] if run else [],
                           accounts=consent.current(candidate.subject))
