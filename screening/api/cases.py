"""A case's work through the API: ask consent, start a screening run, follow it, read findings."""

from flask import url_for

from compliance.db import db, utcnow
from screening import access
from screening.api import representations as rep
from screening.api.auth import api_user, require_token
from screening.api.bodies import Blueprint
from screening.api.guards import case_conflict, conflict, staff_only
from screening.api.idempotency import idempotent
from screening.api.schemas import ConsentRequestOut, FindingOut, IdempotencyHeader, RunOut
from screening.api.spec import ROW_ID, document_errors
from screening.case import CONSENT_LIFETIME, request_consent
from screening.findings import FindingsRefused, read_findings
from screening.lifecycle import CaseError
from screening.runs import ConsentMissing, ScreeningRun, queue_run

blp = Blueprint("api_cases", __name__, url_prefix="/api/v1",
                description="Consent requests, screening runs and findings.")
blp.before_request(require_token)
blp.before_request(staff_only)

CONSENT_CONFLICTS = {
    "assessment": ("assessment-missing", "Add a legitimate-interest assessment first."),
    "settings": ("organisation-incomplete",
                 "An administrator must first fill in the controller and the data protection "
                 "officer in the organisation settings."),
}


@blp.post(f"/candidates/<{ROW_ID}:candidate_id>/consent-requests")
@idempotent
@blp.arguments(IdempotencyHeader, location="headers")
@blp.response(202, ConsentRequestOut)
@document_errors(blp, 409, 422)
def ask_consent(_headers, candidate_id: int):
    """Send the candidate the consent request by e-mail."""
    user = api_user()
    candidate = access.get_candidate(user, candidate_id, change=True)
    try:
        request_consent(candidate, actor=user)
    except CaseError as error:
        db.session.rollback()
        case_conflict(error, CONSENT_CONFLICTS)
    return {"candidate_id": candidate.id, "state": candidate.state.value,
            "expires_at": utcnow() + CONSENT_LIFETIME}


@blp.post(f"/candidates/<{ROW_ID}:candidate_id>/screening-runs")
@idempotent
@blp.arguments(IdempotencyHeader, location="headers")
@blp.response(202, RunOut)
@document_errors(blp, 409, 422)
def start_run(_headers, candidate_id: int):
    """Queue a screening run over the sources the candidate agreed to."""
    user = api_user()
    candidate = access.get_candidate(user, candidate_id, change=True)
    try:
        run = queue_run(candidate, actor=user)
    except CaseError as error:
        db.session.rollback()
        case_conflict(error, {})
    except ConsentMissing:
        db.session.rollback()
        conflict("consent-missing",
                 "The candidate has not agreed to any source that can be fetched.")
    return rep.run(run), {"Location": url_for(".run", run_id=run.id)}


@blp.get(f"/screening-runs/<{ROW_ID}:run_id>")
@blp.response(200, RunOut)
@document_errors(blp)
def run(run_id: int):
    """Follow a run: its status and per-source progress, counts only."""
    item = db.session.get(ScreeningRun, run_id)
    access.get_candidate(api_user(), item.candidate_id if item else 0)
    return rep.run(item)


@blp.get(f"/candidates/<{ROW_ID}:candidate_id>/findings")
@blp.response(200, FindingOut(many=True))
@document_errors(blp)
def findings(candidate_id: int):
    """Read the findings (recruiters; legal counsel only for an open rights request or a legal
    hold); every read is audited, as on the review page."""
    user = api_user()
    candidate = access.get_candidate(user, candidate_id)
    try:
        items = read_findings(candidate, actor=user)
    except FindingsRefused:  # legal reads them only for a rights request or a legal hold
        db.session.rollback()
        access.deny(user, "candidate", candidate_id)
    return [rep.finding(f) for f in items]
