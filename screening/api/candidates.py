"""Candidates: read, correct (with If-Match), and record the decision."""

from flask_smorest import abort

from compliance import reads
from compliance.db import db
from screening import access
from screening.api import representations as rep
from screening.api.auth import api_user, require_token
from screening.api.bodies import Blueprint
from screening.api.guards import case_conflict, staff_only
from screening.api.schemas import CandidateOut
from screening.api.spec import ROW_ID, document_errors
from screening.candidates import decide, update_candidate
from screening.labels import tombstone_line
from screening.lifecycle import CaseError
from screening.models import Decision
from screening.schemas import CandidateSchema, DecisionSchema

blp = Blueprint("api_candidates", __name__, url_prefix="/api/v1/candidates",
                description="Candidates and their decisions.")
blp.before_request(require_token)
blp.before_request(staff_only)

@blp.get(f"/<{ROW_ID}:candidate_id>")
@blp.etag
@blp.response(200, CandidateOut)
@document_errors(blp, 410)
def candidate(candidate_id: int):
    """Read one candidate (audited); the ETag guards updates."""
    user = api_user()
    item = access.find_candidate(user, candidate_id)
    if item is None:
        ended = access.ended_case(user, candidate_id)
        if ended is None:
            abort(404)
        abort(410, problem="case-ended", message=tombstone_line(ended))
    reads.note(user, item.subject, {"candidate": item.id})
    return rep.candidate(item)


@blp.put(f"/<{ROW_ID}:candidate_id>")
@blp.etag
@blp.arguments(CandidateSchema)
@blp.response(200, CandidateOut)
@document_errors(blp, 422)
def update(values, candidate_id: int):
    """Correct a candidate's name, e-mail address or language."""
    user = api_user()
    item = access.get_candidate(user, candidate_id, change=True)
    blp.check_etag(rep.candidate(item), CandidateOut)
    update_candidate(item, values, actor=user)
    db.session.commit()
    return rep.candidate(item)


@blp.post(f"/<{ROW_ID}:candidate_id>/decision")
@blp.arguments(DecisionSchema)
@blp.response(200, CandidateOut)
@document_errors(blp, 409, 422)
def decision(values, candidate_id: int):
    """Record the decision; a rejection needs `reasons` and waits for the comment window,
    as on the page."""
    user = api_user()
    item = access.get_candidate(user, candidate_id, change=True)
    try:
        decide(item, Decision(values["decision"]), actor=user, reasons=values.get("reasons"))
    except CaseError as error:
        db.session.rollback()
        case_conflict(error, {})
    db.session.commit()
    return rep.candidate(item)
