"""The Art. 15 access report, the Art. 30 record of processing and the DPIA starting point.

Each is built from plain dataclasses that the caller assembles, so that compliance needs no
knowledge of where vacancies, consents or findings are kept; each embeds itself as JSON.
"""

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from compliance.db import utcnow
from compliance.organisation import get_settings
from compliance.reports.pdfa import digest
from compliance.subjects import RetentionReason


@dataclass
class Controller:
    name: str
    address: str
    dpo_contact: str


def controller_from_settings() -> Controller:
    """Return the controller as the organisation settings name it."""
    settings = get_settings()
    return Controller(settings.controller_name, settings.controller_address,
                      settings.dpo_contact)


@dataclass
class LegalBasis:
    """A vacancy's legitimate-interest assessment (Art. 6(1)(f)) in the version applied."""

    article: str
    version: int
    assessed_at: datetime | None
    purpose: str
    necessity: str
    alternatives: str
    balancing: str


@dataclass
class Consent:
    source: str
    state: str
    at: datetime | None


@dataclass
class Finding:
    """A finding as stored: redacted excerpt, criteria matched, source, and the candidate's say."""

    source: str
    url: str
    posted_at: datetime | None
    excerpt: str
    criteria: list[str] = field(default_factory=list)
    comment: str = ""


@dataclass
class View:
    viewer: str  # a role and id, e.g. "recruiter 3": who viewed, never their name
    at: datetime
    what: str


@dataclass
class VacancyProcessing:
    """One vacancy as a processing activity: its settings and its legal basis."""

    id: int
    title: str
    status: str
    criteria: list[str]
    sources: list[str]
    lookback_years: int
    retention_days: int
    comment_window_days: int
    candidates: int
    legal_basis: LegalBasis | None
    description: str = ""


@dataclass
class AccessReport:
    """What a candidate is told under Art. 15."""

    reference: str  # the candidate's id, printed so a request can be matched
    controller: Controller
    personal_data: list[tuple[str, str]]
    vacancy: VacancyProcessing
    recipients: list[str]
    retention_until: datetime | None
    retention_reason: str
    consents: list[Consent] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    withheld: int = 0  # posts withheld as special-category or criminal data: only a count
    not_assessed: int = 0  # posts in a language without a pipeline: nobody looked at them


@dataclass
class RecordOfProcessing:
    """The Art. 30(1) record for candidate screening."""

    controller: Controller
    default_retention_days: int
    default_lookback_years: int
    vacancies: list[VacancyProcessing]


@dataclass
class Dpia:
    """A DPIA starting point for one vacancy, to be completed by counsel."""

    controller: Controller
    vacancy: VacancyProcessing


KINDS: dict[type, tuple[str, str, Any]] = {
    AccessReport: ("access.html", "fairscreen.access-report.v1",
                   _l("Access report (Art. 15 GDPR)")),
    RecordOfProcessing: ("ropa.html", "fairscreen.ropa.v1",
                         _l("Record of processing activities (Art. 30 GDPR)")),
    Dpia: ("dpia.html", "fairscreen.dpia.v1",
           _l("Data protection impact assessment: starting point")),
}


# Labels of the personal data an access report lists, by the key the caller uses.
DATA_LABELS = {"name": _l("Name"), "email": _l("E-mail address"), "language": _l("Language"),
               "state": _l("Case state"), "decision": _l("Decision"),
               "decision_reasons": _l("Reasons for the decision"),
               "objection_grounds": _l("Why you object"),
               "added": _l("Added on")}


# Why a subject's data falls due, as the access report tells the candidate.
RETENTION_LABELS = {
    RetentionReason.UNDECIDED: _l("the longest a case may stay open without a decision"),
    RetentionReason.CONSENT_UNANSWERED: _l("the request for your agreement was not answered"),
    RetentionReason.CONSENT_DECLINED: _l("you declined"),
    RetentionReason.CONSENT_WITHDRAWN: _l("you withdrew your agreement"),
    RetentionReason.DECIDED: _l("the retention period after the decision"),
    RetentionReason.TALENT_POOL: _l("your talent-pool consent runs out"),
    RetentionReason.ERASURE_REQUESTED: _l("you asked for erasure"),
    RetentionReason.OBJECTION: _l("you objected"),
}


def data_bytes(record: Any, data_format: str, audit_head: str | None = None) -> bytes:
    """Encode a report's content as the JSON the PDF embeds."""
    body = {"format": data_format, **dataclasses.asdict(record)}
    if audit_head:
        body["audit_head"] = audit_head
    return json.dumps(body, ensure_ascii=False, default=_encode, indent=1).encode()


def _encode(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def render_record(record: AccessReport | RecordOfProcessing | Dpia, *, lang: str,
                  audit_head: str | None = None) -> bytes:
    """Render one of the three reports as an unsigned PDF/A-3b with its JSON attached; the
    audit log's signed head, if given, is printed and attached as a witness of the log."""
    template, data_format, title = KINDS[type(record)]
    data = data_bytes(record, data_format, audit_head)
    from compliance.reports.render import render_pdf  # WeasyPrint: only where PDFs are made

    return render_pdf(template, lang, data=data, data_name=data_format.split(".")[1] + ".json",
                      title=title, record=record, controller=record.controller, labels=DATA_LABELS,
                      retention_labels=RETENTION_LABELS, audit_head=audit_head,
                      data_digest=digest(data), generated_at=utcnow())
