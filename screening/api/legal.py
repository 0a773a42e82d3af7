"""Legal counsel's API: rights requests with their due dates, counsel's steps on them and on
legal holds (the operations the rights pages call), and audit-log verification."""

from collections.abc import Callable
from typing import Any

from flask_smorest import abort
from sqlalchemy import select

from compliance import reads, rights
from compliance.accounts import Role
from compliance.checkpoints import instance_public_key
from compliance.db import db
from compliance.rights import RequestStatus, RightsError, RightsRequest
from compliance.subjects import LegalHold
from compliance.verify import verify_and_record
from compliance.web.rights import MESSAGES
from screening import access
from screening.api import representations as rep
from screening.api.auth import api_user, require_token
from screening.api.bodies import Blueprint
from screening.api.paging import page_of
from screening.api.schemas import (
    ExtensionIn,
    HoldReasonIn,
    LegalHoldOut,
    RefusalIn,
    RightsQuery,
    RightsRequestOut,
    VerificationOut,
)
from screening.api.spec import ROW_ID, document_errors
from screening.models import Candidate

blp = Blueprint("api_legal", __name__, url_prefix="/api/v1",
                description="Rights requests, legal holds and audit verification "
                            "(legal counsel).")
# The rules a body breaks, by the field they concern; every other rule is a conflict with the
# request's or the hold's state (409).
FIELD_RULES = {"reasons_missing": "reasons", "reasons_too_long": "reasons", "months": "months"}


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
    reads.note_many(api_user(), [(r.subject_id, {"rights_request": r.id}) for r in items])
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


def _step(step: Callable[[], Any], reason_field: str = "reasons") -> Any:
    """Run one of counsel's steps and return what it returns; answer a broken rule as a
    problem, with nothing written."""
    try:
        return step()
    except RightsError as error:
        db.session.rollback()
        message = str(MESSAGES[error.code])
        if error.code in FIELD_RULES:
            field = reason_field if FIELD_RULES[error.code] == "reasons" else "months"
            abort(422, message="The request body is not valid.", errors={field: [message]})
        abort(409, problem=error.code.replace("_", "-"), message=message)


def _request(request_id: int) -> RightsRequest:
    item = db.session.get(RightsRequest, request_id)
    if item is None:
        abort(404, message="There is no rights request with this id.")
    return item


def _answer(body: dict) -> dict:
    """Commit the step and answer with its result, read before the commit: the candidate's
    mail goes out then, and a release may erase the candidate's data."""
    db.session.commit()
    return body


def _request_out(item: RightsRequest) -> dict:
    return rep.rights_request(item, rep.candidate_ids_of([item.subject_id]))


@blp.post(f"/rights-requests/<{ROW_ID}:request_id>/extension")
@blp.arguments(ExtensionIn)
@blp.response(200, RightsRequestOut)
@document_errors(blp, 409, 422)
def extend(values, request_id: int):
    """Extend a request's deadline by one or two months, once, within its first month; the
    candidate is told the reasons by e-mail (Art. 12(3))."""
    item = _request(request_id)
    _step(lambda: rights.extend(item, actor=api_user(), months=values["months"],
                                reasons=values["reasons"]))
    return _answer(_request_out(item))


@blp.post(f"/rights-requests/<{ROW_ID}:request_id>/refusal")
@blp.arguments(RefusalIn)
@blp.response(200, RightsRequestOut)
@document_errors(blp, 409, 422)
def refuse(values, request_id: int):
    """Refuse a request with reasons; the candidate receives them by e-mail with their right to
    complain to the supervisory authority (Art. 12(4))."""
    item = _request(request_id)
    _step(lambda: rights.refuse(item, actor=api_user(), reasons=values["reasons"]))
    return _answer(_request_out(item))


def _hold_out(hold: LegalHold, candidate: Candidate) -> dict:
    return {"id": hold.id, "candidate_id": candidate.id, "placed_at": hold.created_at,
            "released_at": hold.released_at}


@blp.post(f"/candidates/<{ROW_ID}:candidate_id>/legal-hold")
@blp.arguments(HoldReasonIn)
@blp.response(201, LegalHoldOut)
@document_errors(blp, 409, 422)
def place_hold(values, candidate_id: int):
    """Place a legal hold: the candidate's data is kept despite erasure requests, withdrawal,
    decline, expiry and retention (Art. 17(3)) until the hold is released."""
    candidate = access.get_candidate(api_user(), candidate_id)
    hold = _step(lambda: rights.place_hold(candidate.subject, actor=api_user(),
                                           reason=values["reason"]), "reason")
    return _answer(_hold_out(hold, candidate))


@blp.post(f"/candidates/<{ROW_ID}:candidate_id>/legal-hold/release")
@blp.arguments(HoldReasonIn)
@blp.response(200, LegalHoldOut)
@document_errors(blp, 409, 422)
def release_hold(values, candidate_id: int):
    """Release the legal hold with a reason: the requests it kept waiting are carried out, and
    a case that ended under it is erased."""
    candidate = access.get_candidate(api_user(), candidate_id)
    hold = _step(lambda: rights.release_hold(candidate.subject, actor=api_user(),
                                             reason=values["reason"]), "reason")
    return _answer(_hold_out(hold, candidate))
