"""The words for the audit details screening records, registered with compliance's labels
(compliance cannot import screening) so that counsel's audit log reads them as text."""

from flask_babel import lazy_gettext as _l

from compliance import audit_labels
from compliance.audit_labels import REASONS
from screening import labels
from screening.notices import MessageKind

KEYS = {
    "candidate": _l("Candidate"), "vacancy": _l("Vacancy"), "run": _l("Screening run"),
    "finding": _l("Finding"), "assessment_version": _l("Assessment version"),
    "assignees": _l("Assigned recruiters (user numbers)"), "owner": _l("Owner (user number)"),
    "basis": _l("Allowed to read as"), "classifier": _l("Classifier version"),
    "decided_by": _l("Decided by (rule or model label)"), "decision": _l("Decision"),
    "reasons_given": _l("Reasons given"), "expires": _l("Expires"), "ends": _l("Ends"),
    "expires_days": _l("Days to answer"), "failed_sources": _l("Sources that failed"),
    "form": _l("Form"), "irrelevant": _l("Not relevant"), "looked_at": _l("Posts looked at"),
    "not_assessed": _l("Not assessed"), "posts": _l("Posts"), "shown": _l("Shown"),
    "withheld": _l("Withheld"), "sent": _l("Link sent"), "source": _l("Source"),
    "sources": _l("Sources"), "declined": _l("Sources declined"),
    "from": _l("State before"), "to": _l("State after"), "why": _l("Why"),
    "erasure": _l("Erasure"), "via": _l("Through"),
}
MESSAGE_KINDS = {
    MessageKind.CONSENT_REQUEST: _l("Request for agreement"),
    MessageKind.CONSENT_REMINDER: _l("Reminder of the request for agreement"),
    MessageKind.SCREENED_NOTICE: _l("Notice of the screening's results"),
    MessageKind.CORRECT_ACCOUNTS: _l("Request to correct the accounts"),
    MessageKind.TALENT_POOL_RENEWAL: _l("Talent-pool renewal"),
    MessageKind.RIGHTS_EXTENDED: _l("Rights request deadline extended"),
    MessageKind.RIGHTS_REFUSED: _l("Rights request refused"),
    MessageKind.FRESH_LINK: _l("Fresh link"),
}
METHODS = {"consent-page": _l("the agreement page"), "portal": _l("the portal"),
           "portal-correction": _l("a correction in the portal")}
BASES = {"own_data": _l("the candidate, their own data"), "system": _l("the system"),
         "recruiter": _l("the recruiter of the vacancy"),
         "rights_request": _l("counsel, for an open rights request"),
         "legal_hold": _l("counsel, for a legal hold")}
FIELDS = {"title": _l("title"), "description": _l("description"), "language": _l("language"),
          "criteria": _l("criteria"), "allowed_sources": _l("sources"),
          "lookback_years": _l("lookback"), "retention_days": _l("retention"),
          "comment_window_days": _l("comment window"), "status": _l("status"),
          "assignees": _l("assigned recruiters"), "owner": _l("owner"),
          "assessment": _l("legitimate-interest assessment")}


def register() -> None:
    """Name screening's audit keys and values for counsel's audit log."""
    for key, label in KEYS.items():
        audit_labels.register(key, label)
    for key in ("source", "sources", "declined", "failed_sources"):
        audit_labels.register(key, values=labels.SOURCES)
    for key in ("from", "to"):
        audit_labels.register(key, values=labels.CASE_STATES)
    audit_labels.register("step", values=labels.ACTIONS)
    audit_labels.register("decision", values=labels.DECISIONS)
    audit_labels.register("why", values=REASONS)
    audit_labels.register("error", values=labels.RUN_ERRORS)
    audit_labels.register("kind", values=MESSAGE_KINDS)
    audit_labels.register("method", values=METHODS)
    audit_labels.register("basis", values=BASES)
    audit_labels.register("fields", values=FIELDS)
    audit_labels.register("form", values={"html": _l("page"), "json": _l("JSON file"),
                                          "pdf": _l("PDF")})
    audit_labels.register("erasure", values={"held": _l("kept under a legal hold")})
    audit_labels.register("via", values={"api": _l("the API"), "page": _l("a page")})
    for key in ("candidate", "vacancy", "run", "finding", "classifier", "decided_by"):
        audit_labels.register(key, verbatim=True)  # ids and codes: records, as they are
