"""Schemas for vacancies, candidates and decisions, shared by the pages and the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from compliance import policy
from compliance.organisation import LANGUAGES
from compliance.validation import (
    NOT_CHOICE,
    REQUIRED,
    choice,
    email,
    integer,
    no_control_characters,
    row_id,
    text,
)
from screening.criminal_records import refused_criteria
from screening.models import Decision, SourceKind, VacancyStatus


def criminal_criteria_message(refused: list[str]) -> str:
    """Say which criteria ask about criminal records and what the lawful route is."""
    return str(_l("Remove %(criteria)s: screening never looks for criminal records. Where the "
                  "job needs it, ask for a certificate of conduct (VOG in the Netherlands, "
                  "uittreksel uit het strafregister in Belgium).",
                  criteria=", ".join(f"“{c}”" for c in refused)))


def criteria_terms(terms: list[str]) -> None:
    """Require at least one criterion, each short and distinct."""
    if not terms:
        raise ValidationError(str(_l("Add at least one job-relevant criterion.")))
    if any(len(term) > 100 for term in terms):
        raise ValidationError(str(_l("Keep each criterion under 100 characters.")))
    if len({term.casefold() for term in terms}) != len(terms):
        raise ValidationError(str(_l("Each criterion may appear only once.")))
    if len(terms) > 100:
        raise ValidationError(str(_l("Use at most 100 criteria.")))
    for term in terms:
        no_control_characters(term)
    if refused := refused_criteria(terms):
        raise ValidationError(criminal_criteria_message(refused))


class VacancySchema(Schema):
    title = text(200)
    description = text(5000, required=False)
    language = choice(LANGUAGES)
    criteria = fields.List(fields.String(), required=True, validate=criteria_terms,
                           error_messages={"required": REQUIRED})
    allowed_sources = fields.List(
        fields.String(validate=validate.OneOf([k.value for k in SourceKind], error=NOT_CHOICE)),
        required=True,
        validate=validate.Length(min=1, error=_l("Allow at least one source.")),
        error_messages={"required": REQUIRED},
    )
    lookback_years = integer(1, policy.LOOKBACK_MAX_YEARS, default=policy.LOOKBACK_YEARS)
    retention_days = integer(1, policy.RETENTION_MAX_DAYS,
                             default=policy.preset(None).retention_days)
    comment_window_days = integer(0, policy.COMMENT_WINDOW_MAX_DAYS,
                                  default=policy.COMMENT_WINDOW_DAYS)
    status = choice(VacancyStatus, default=VacancyStatus.OPEN.value)
    # Absent from an update: the team stays as it is (only its owner or an admin changes it).
    assignee_ids = fields.List(fields.Integer(error_messages={"invalid": NOT_CHOICE}))
    purpose = text(5000)
    necessity = text(5000)
    alternatives = text(5000)
    balancing = text(5000)


ASSESSMENT_FIELDS = ("purpose", "necessity", "alternatives", "balancing")


class CandidateSchema(Schema):
    name = text(200)
    email = email()
    language = choice(LANGUAGES)


class DecisionSchema(Schema):
    decision = choice(Decision)
    reasons = text(policy.DECISION_REASONS_MAX_CHARS, required=False)

    @validates_schema
    def rejection_gives_reasons(self, data: dict, **kwargs) -> None:
        """A rejection says why: the candidate reads the reasons in their explanation."""
        if data.get("decision") == Decision.REJECTED.value and not data.get("reasons", "").strip():
            raise ValidationError(str(_l("Give the reasons for the rejection: the candidate "
                                         "will read them.")), "reasons")


class ObjectionSchema(Schema):
    """A candidate's objection (Art. 21(1)): the grounds are optional, and bounded."""

    grounds = text(policy.OBJECTION_GROUNDS_MAX_CHARS, required=False)


REPORT_KINDS = ("audit", "access", "ropa", "dpia")


class ReportRequestSchema(Schema):
    """A legal user's request for a report: the kind, and what it covers."""

    kind = choice(REPORT_KINDS)
    lang = choice(LANGUAGES)
    candidate = row_id()
    vacancy = row_id()
    since = fields.Date(load_default=None, error_messages={"invalid": _l("Enter a date.")})
    until = fields.Date(load_default=None, error_messages={"invalid": _l("Enter a date.")})

    @validates_schema
    def scope_fits_kind(self, data: dict, **kwargs) -> None:
        """Require exactly what each kind of report covers."""
        kind, scopes = data["kind"], [k for k in ("candidate", "vacancy") if data.get(k)]
        period = data.get("since") and data.get("until")
        if kind == "audit" and len(scopes) + bool(period) != 1:
            raise ValidationError(str(_l("Choose one candidate, one vacancy or a period.")),
                                  "kind")
        if kind == "access" and not data.get("candidate"):
            raise ValidationError(str(REQUIRED), "candidate")
        if kind == "dpia" and not data.get("vacancy"):
            raise ValidationError(str(REQUIRED), "vacancy")
        if period and data["since"] > data["until"]:
            raise ValidationError(str(_l("The period must end after it starts.")), "until")


class TeamSchema(Schema):
    """Who works on a vacancy: its owner and the recruiters assigned to it."""

    owner_id = fields.Integer(required=True, strict=False,
                              error_messages={"required": REQUIRED, "invalid": NOT_CHOICE})
    assignee_ids = fields.List(fields.Integer(error_messages={"invalid": NOT_CHOICE}),
                               load_default=list)
