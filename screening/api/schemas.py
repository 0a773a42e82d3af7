"""The API's response shapes and header parameters; request bodies reuse the forms' schemas."""

from marshmallow import Schema, fields, validate

from compliance.rights import EXTENSION_MONTHS, REASONS_MAX_CHARS, RequestStatus, Right
from screening.lifecycle import Action
from screening.models import CaseState, Decision, VacancyStatus
from screening.runs import RunStatus


class AssessmentOut(Schema):
    version = fields.Integer(required=True)
    purpose = fields.String(required=True)
    necessity = fields.String(required=True)
    alternatives = fields.String(required=True)
    balancing = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class VacancyOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    language = fields.String(required=True)
    criteria = fields.List(fields.String(), required=True)
    allowed_sources = fields.List(fields.String(), required=True)
    lookback_years = fields.Integer(required=True)
    retention_days = fields.Integer(required=True)
    comment_window_days = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(VacancyStatus)))
    owner_id = fields.Integer(required=True)
    assignee_ids = fields.List(fields.Integer(), required=True)
    assessment = fields.Nested(AssessmentOut, required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class CandidateOut(Schema):
    id = fields.Integer(required=True)
    vacancy_id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    language = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(list(CaseState)))
    decision = fields.String(required=True, allow_none=True,
                             validate=validate.OneOf(list(Decision)))
    decision_reasons = fields.String(required=True, allow_none=True, metadata={
        "description": "Why: required for a rejection; the candidate reads them in the portal."})
    decided_at = fields.DateTime(required=True, allow_none=True)
    notified_at = fields.DateTime(required=True, allow_none=True)
    comment_window_open = fields.Boolean(required=True)
    comment_window_closes_at = fields.DateTime(required=True, allow_none=True, metadata={
        "description": "Until then a rejection is refused, unless the candidate waives it."})
    needs_agreement = fields.Boolean(required=True, metadata={
        "description": "The vacancy's criteria or sources changed since the candidate agreed: "
                       "runs keep to the agreed ones until the candidate is asked again."})
    allowed_actions = fields.List(fields.String(validate=validate.OneOf(list(Action))),
                                  required=True, metadata={
        "description": "What the case's life cycle allows now (ask_consent, screen, decide...)."})
    erase_after = fields.DateTime(required=True, allow_none=True)
    latest_run_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ConsentRequestOut(Schema):
    candidate_id = fields.Integer(required=True)
    state = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class SourceProgress(Schema):
    state = fields.String(required=True, metadata={
        "description": "waiting, fetching, ok, empty (read, no posts in the window) or failed"})
    posts = fields.Integer()
    failure = fields.String()


class Totals(Schema):
    looked_at = fields.Integer(required=True)
    shown = fields.Integer(required=True)
    withheld = fields.Integer(required=True)
    irrelevant = fields.Integer(required=True)
    not_assessed = fields.Integer(required=True, metadata={
        "description": "Posts in a language Fairscreen does not assess: not looked at, "
                       "not shown."})


class RunOut(Schema):
    id = fields.Integer(required=True)
    candidate_id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(list(RunStatus)))
    error = fields.String(required=True, allow_none=True)
    progress = fields.Dict(keys=fields.String(), values=fields.Nested(SourceProgress),
                           required=True)
    totals = fields.Nested(Totals, required=True)
    missing_sources = fields.List(fields.String(), required=True, metadata={
        "description": "Sources that could not be read in this run: the totals leave them out."})
    queued_at = fields.DateTime(required=True)
    started_at = fields.DateTime(required=True, allow_none=True)
    finished_at = fields.DateTime(required=True, allow_none=True)


class FindingOut(Schema):
    """A finding as the recruiter sees it: no link to the unredacted original post."""

    id = fields.Integer(required=True)
    run_id = fields.Integer(required=True, allow_none=True)
    source_kind = fields.String(required=True)
    account = fields.String(required=True)
    published = fields.DateTime(required=True)
    excerpt = fields.String(required=True)
    matched = fields.List(fields.String(), required=True)
    context = fields.String(required=True, allow_none=True)
    context_at = fields.DateTime(required=True, allow_none=True)


class RightsRequestOut(Schema):
    id = fields.Integer(required=True)
    candidate_id = fields.Integer(required=True, allow_none=True)
    right = fields.String(required=True, validate=validate.OneOf(list(Right)))
    status = fields.String(required=True, validate=validate.OneOf(list(RequestStatus)))
    received_at = fields.DateTime(required=True)
    due_at = fields.DateTime(required=True)
    overdue = fields.Boolean(required=True)
    resolved_at = fields.DateTime(required=True, allow_none=True)


def _reasons(description: str) -> fields.String:
    return fields.String(required=True, validate=validate.Length(max=REASONS_MAX_CHARS),
                         metadata={"description": description})


class ExtensionIn(Schema):
    months = fields.Integer(required=True, strict=True,
                            validate=validate.OneOf(list(EXTENSION_MONTHS)), metadata={
        "description": "By how many months (Art. 12(3)): once, within the first month."})
    reasons = _reasons("Why the request needs longer; the candidate receives them by e-mail.")


class RefusalIn(Schema):
    reasons = _reasons("Why the request is refused; the candidate receives them by e-mail, "
                       "with their right to complain to the supervisory authority (Art. 12(4)).")


class HoldReasonIn(Schema):
    reason = _reasons("Why the data must be kept (Art. 17(3)), or why the hold ends; kept "
                      "encrypted, never in the audit log.")


class LegalHoldOut(Schema):
    id = fields.Integer(required=True)
    candidate_id = fields.Integer(required=True)
    placed_at = fields.DateTime(required=True)
    released_at = fields.DateTime(required=True, allow_none=True)


class RightsQuery(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "all"]))


class VerificationOut(Schema):
    ok = fields.Boolean(required=True)
    events = fields.Integer(required=True)
    checkpoints = fields.Integer(required=True)
    head_seq = fields.Integer(required=True)
    head_hash = fields.String(required=True)
    bad_seq = fields.Integer(required=True, allow_none=True)
    problem = fields.String(required=True, allow_none=True)


class IdempotencyHeader(Schema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key", required=True, validate=validate.Length(min=1, max=255),
        metadata={"description": "A client-chosen unique key: the same key with the same "
                                 "request replays the first answer."})
