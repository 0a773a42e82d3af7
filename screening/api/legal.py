"""Legal counsel's API: rights requests with their due dates, and audit-log verification."""

from sqlalchemy import select

from compliance import rights
from compliance.accounts import Role
from compliance.checkpoints import instance_public_key
from compliance.db import db
from compliance.rights import RequestStatus, RightsRequest
from compliance.verify import verify_and_record
from screening import access
from screening.api import representations as rep
from screening.api.audit import record_reads
from screening.api.auth import api_user, require_token
from screening.api.bodies import Blueprint
from screening.api.paging import page_of
from screening.api.schemas import RightsQuery, RightsRequestOut, VerificationOut
from screening.api.spec import document_errors

blp = Blueprint("api_legal", __name__, url_prefix="/api/v1",
                description="Rights requests and audit verification (legal counsel).")


blp.before_request(require_token)


@blp.before_request
def legal_only() -> None:
    access.require_role(api_user(), Role.LEGAL)


@blp.get("/rights-requests")
@blp.arguments(RightsQuery, location="query")
@blp.response(200, RightsRequestOut(many=True))
@blp.paginate()
@document_errors(blp, 422)
def rights_requests(query, pagination_parameters):
    """List rights requests, the earliest due first (open ones, or all with status=all)."""
    statement = select(RightsRequest).order_by(RightsRequest.due_at, RightsRequest.id)
    if query["status"] == "open":
        statement = statement.where(RightsRequest.status.in_(
            [RequestStatus.OPEN, RequestStatus.ON_HOLD]))
    items: list[rights.RightsRequest] = page_of(statement, pagination_parameters)
    candidates = rep.candidate_ids_of([r.subject_id for r in items])
    record_reads(api_user(), [(r.subject, {"rights_request": r.id}) for r in items])
    return [rep.rights_request(r, candidates) for r in items]


@blp.post("/audit/verifications")
@blp.response(200, VerificationOut)
@document_errors(blp)
def verify_audit_log():
    """Recompute the audit chain and check every signed checkpoint; the check is audited."""
    report = verify_and_record(instance_public_key(), actor=api_user())
    db.session.commit()
    return {"ok": report.ok, "events": report.events, "checkpoints": report.checkpoints,
            "head_seq": report.head_seq, "head_hash": report.head_hash,
            "bad_seq": report.bad_seq, "problem": report.problem}
