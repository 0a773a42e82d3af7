"""One rule for auditing staff reads of personal data, the same for pages and the API.

A read is a response that shows staff what is held about a data subject in clear: a
candidate's name, e-mail address, accounts, findings, what they wrote, the mail sent to them,
or a rights request about them. Pseudonyms, counts and the audit log itself are not: counsel's
audit pages are how reads are checked, and reading the log is not recorded in it. A read of
findings is `findings.viewed`; any other is `personal_data.viewed`; either names the subject by
pseudonym and the rows shown by id, never the data.

Every endpoint is either in READS or in EXEMPT, with the reason (a test walks the url_map).
A view notes each subject it shows (`note`, `note_many`); the notes of a request are written
to the read journal in one statement after the response is produced, and before it leaves: a
response whose reads cannot be written is replaced by a 503, so no read reaches anyone
unrecorded. Outside a request (commands, tasks) a note is appended to the chain at once.
"""

import logging
from collections.abc import Iterable
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
    render_template,
    request,
)
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import ServiceUnavailable

from compliance import audit, read_journal
from compliance.audit import AuditAction
from compliance.db import db, utcnow
from compliance.subjects import Subject

log = logging.getLogger(__name__)
_PENDING = "fairscreen.reads"
_ON_CHANGE_PAGE = "the page again when the step is refused"

READS = {
    "recruiter.dashboard": "names of the candidates listed",
    "recruiter.search": "names of the candidates found",
    "recruiter.vacancy": "names of the vacancy's candidates",
    "recruiter.candidate": "a candidate's name, address, accounts and case",
    "recruiter.edit_candidate": "a candidate's name and address in the form",
    "recruiter.decision": _ON_CHANGE_PAGE,
    "recruiter.place_hold": _ON_CHANGE_PAGE,
    "recruiter.release_hold": _ON_CHANGE_PAGE,
    "review.run": "the candidate's name",
    "review.findings": "the findings (findings.viewed)",
    "reports.index": "candidates' names to choose an access report from",
    "reports.request_report": "the same page, when the request is refused",
    "rights.requests": "rights requests, each about one candidate",
    "rights.case": "what the candidate wrote with the request",
    "rights.extend": _ON_CHANGE_PAGE,
    "rights.resolve": _ON_CHANGE_PAGE,
    "rights.refuse": _ON_CHANGE_PAGE,
    "rights.hold_case": _ON_CHANGE_PAGE,
    "rights.release_case": _ON_CHANGE_PAGE,
    "admin.outbox_page": "recipients' addresses and the messages sent to them",
    "api_candidates.candidate": "a candidate",
    "api_vacancies.list_candidates": "a page of candidates",
    "api_cases.findings": "the findings (findings.viewed)",
    "api_legal.rights_requests": "rights requests, each naming its candidate",
}

_OWN = "the signed-in staff member's own account"
_STAFF = "staff accounts and settings, no data subject"
_CANDIDATE = "the candidate's own link; their reads are data.accessed and findings.viewed"
_WRITE = "a write's answer: the write's own event names the subject and the actor"
_NOTHING = "no personal data"
_LOG = "the audit log, its integrity and erasures: pseudonyms, ids and counts"
_REPORT = "the PDF's download is report.downloaded; rendering it recorded its reads"
_COUNTS = "ids, states and counts only"
EXEMPT = {
    **dict.fromkeys(["static", "brand.logo", "api-docs.openapi_json", "api_docs.page"],
                    _NOTHING),
    **dict.fromkeys(["auth.index", "auth.login", "auth.logout", "auth.preferences",
                     "auth.password", "auth.notifications", "auth.end_all_sessions",
                     "auth.new_token", "auth.revoke", "factor.code", "factor.enrol",
                     "factor.renew_codes", "factor.switch_off", "links.accept_invitation",
                     "links.forgot", "links.reset_password"], _OWN),
    **dict.fromkeys(["admin.users", "admin.edit_user", "admin.invite", "admin.settings",
                     "admin.end_user_sessions", "admin.resend_invitation",
                     "admin.revoke_invitation", "admin.reset_second_factor", "teams.team",
                     "teams.vacancies", "recruiter.new_vacancy", "recruiter.edit_vacancy",
                     "api_vacancies.create", "api_vacancies.update", "api_vacancies.vacancy",
                     "api_vacancies.list_vacancies"], _STAFF),
    **dict.fromkeys(["portal.access_report", "portal.access_report_download",
                     "portal.accounts", "portal.confirm_right", "portal.consent_page",
                     "portal.context", "portal.correct_accounts", "portal.data_copy",
                     "portal.fresh_link", "portal.home", "portal.remove_account",
                     "portal.request_right", "portal.talent_pool", "portal.upload",
                     "portal.waive", "portal.withdraw"], _CANDIDATE),
    **dict.fromkeys(["api_candidates.update", "api_candidates.decision", "api_vacancies.add",
                     "api_legal.place_hold", "api_legal.release_hold", "api_legal.extend",
                     "api_legal.refuse", "api_cases.ask_consent", "api_cases.start_run",
                     "review.ask_consent", "review.start_screening", "rights.hold",
                     "rights.release", "api_reports.start", "api_legal.verify_audit_log"],
                    _WRITE),
    **dict.fromkeys(["legal.index", "legal.audit_log", "legal.integrity",
                     "legal.retention_overview", "legal.verify_now", "legal.verify_witnessed"],
                    _LOG),
    **dict.fromkeys(["reports.download", "api_reports.pdf"], _REPORT),
    **dict.fromkeys(["reports.report_job", "api_reports.job", "api_cases.run"], _COUNTS),
    "recruiter.new_candidate": "only what the recruiter types: no subject yet",
}


def note(actor: Any, subject: Subject | int, objects: dict[str, Any], *,
         action: AuditAction = AuditAction.PERSONAL_DATA_VIEWED, **details: Any) -> None:
    """Record that `actor` is shown this subject's data (`objects`: ids of the rows shown)."""
    note_many(actor, [(subject, objects)], action=action, **details)


def note_many(actor: Any, reads: Iterable[tuple[Subject | int, dict[str, Any]]], *,
              action: AuditAction = AuditAction.PERSONAL_DATA_VIEWED, **details: Any) -> None:
    """Record reads of many subjects (a Subject, or its id for a list that holds no rows)."""
    label, action_value = audit.actor_label(actor), AuditAction(action).value
    if not has_request_context():  # a command or a task: nothing to wait for
        reads = list(reads)
        names = _pseudonyms([s for s, _objects in reads])
        audit.record_many(action, [(names.get(_key(s)), objects, details)
                                   for s, objects in reads], actor=label)
        return
    if action == AuditAction.PERSONAL_DATA_VIEWED:  # findings.viewed has its own basis
        details = {"via": "api" if request.path.startswith("/api/") else "page", **details}
    details_json = audit.canonical_details(details)
    pending = request.environ.setdefault(_PENDING, {})
    for subject, objects in reads:
        who = audit.pseudonym(subject) if isinstance(subject, Subject) else subject
        entry = (label, action_value, who, audit.canonical_details(objects), details_json)
        pending.setdefault(entry, utcnow())  # the same read twice in a request is one read


def _key(subject: Subject | int) -> int:
    return subject.id if isinstance(subject, Subject) else subject


def _pseudonyms(subjects: list[Subject | int]) -> dict[int, str]:
    """Name subjects by pseudonym, loading the secrets of those given by id in one query."""
    names = {s.id: audit.pseudonym(s) for s in subjects if isinstance(s, Subject)}
    ids = {s for s in subjects if isinstance(s, int)} - names.keys()
    if ids:
        rows = db.session.execute(select(Subject.id, Subject.pseudonym_secret)
                                  .where(Subject.id.in_(ids)))
        names.update({i: audit.pseudonym_of(secret) for i, secret in rows})
    return names


def init_app(app: Flask) -> None:
    """Write each request's reads after its response is produced, before it is sent."""
    app.after_request(flush)


def flush(response: Response) -> Response:
    """Journal the request's reads in one statement and commit; answer 503 if that fails."""
    pending: dict = request.environ.pop(_PENDING, None) or {}
    if not pending or response.status_code >= 500:  # an error page showed nothing
        return response
    ids = [who for (_l, _a, who, _o, _d) in pending if isinstance(who, int)]
    try:
        names = _pseudonyms(ids) if ids else {}
        read_journal.write(
            ((at, label, action, names.get(who) if isinstance(who, int) else who, objects,
              details) for (label, action, who, objects, details), at in pending.items()),
            fold_every=current_app.config["READ_FOLD_SECONDS"])
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("reads of personal data could not be recorded; the response is withheld")
        return _withheld()
    return response


def _withheld() -> Response:
    from compliance.web import ERROR_TITLES
    from compliance.web.problems import problem_response, wants_problem

    if wants_problem():
        return problem_response(ServiceUnavailable())
    page = render_template("errors/error.html", code=503, title=ERROR_TITLES[500], message=None)
    return Response(page, status=503, mimetype="text/html")
