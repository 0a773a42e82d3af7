"""Assemble what the reports show from the screening data, and the background task that renders.

Compliance renders from plain dataclasses; this module fills them from vacancies, candidates,
their consent records, findings, and the audit log's record of who viewed the findings.
"""

import logging
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, union_all

from compliance import audit, consent, rights
from compliance.accounts import User
from compliance.audit import AuditAction, AuditEvent
from compliance.audit_commands import parse_when
from compliance.db import db
from compliance.organisation import get_settings
from compliance.queue import task
from compliance.read_journal import JournaledRead
from compliance.reports import jobs
from compliance.reports.jobs import ReportJob, Stage
from compliance.reports.produce import Progress, produce_record, produce_trail
from compliance.reports.records import (
    AccessReport,
    Consent,
    Dpia,
    Finding,
    LegalBasis,
    RecordOfProcessing,
    VacancyProcessing,
    View,
    controller_from_settings,
)
from compliance.reports.trail import TrailScope
from screening.findings import FindingsRefused, read_findings, reading_basis
from screening.models import Candidate, Vacancy
from screening.runs import latest_run
from screening.tallies import summarise

log = logging.getLogger(__name__)


class ReportNotFound(LookupError):
    """The candidate or vacancy a report names does not exist."""


def candidate_scope(candidate: Candidate) -> TrailScope:
    """Cover one candidate: their events in full from when they were added, others as digests."""
    return TrailScope("candidate", str(candidate.id), since=candidate.created_at,
                      subject=audit.pseudonym(candidate.subject))


def vacancy_scope(vacancy: Vacancy) -> TrailScope:
    """Cover a vacancy and its candidates' events; everything else as digests."""
    candidate_ids = {c.id for c in vacancy.candidates}
    pseudonyms = {audit.pseudonym(c.subject) for c in vacancy.candidates}

    def keep(event: dict[str, Any]) -> bool:
        objects = event.get("objects") or {}
        return (objects.get("vacancy") == vacancy.id or objects.get("candidate") in candidate_ids
                or event.get("subject") in pseudonyms)

    return TrailScope("vacancy", str(vacancy.id), since=vacancy.created_at, keep=keep)


def period_scope(since: datetime, until: datetime) -> TrailScope:
    """Cover every event of the organisation in a period."""
    reference = f"{since:%Y-%m-%d %H:%M} – {until:%Y-%m-%d %H:%M} UTC"
    return TrailScope("period", reference, since=since, until=until)


def legal_basis(vacancy: Vacancy) -> LegalBasis | None:
    """Return the vacancy's current legitimate-interest assessment as a report shows it."""
    current = vacancy.assessment
    if current is None:
        return None
    return LegalBasis("Art. 6(1)(f)", current.version, current.created_at, **current.fields())


def vacancy_processing(vacancy: Vacancy) -> VacancyProcessing:
    """Describe a vacancy as a processing activity."""
    count = db.session.scalar(select(func.count(Candidate.id))
                              .where(Candidate.vacancy_id == vacancy.id))
    return VacancyProcessing(
        id=vacancy.id, title=vacancy.title, status=vacancy.status.value,
        criteria=list(vacancy.criteria), sources=list(vacancy.allowed_sources),
        lookback_years=vacancy.lookback_years, retention_days=vacancy.retention_days,
        comment_window_days=vacancy.comment_window_days, candidates=count or 0,
        legal_basis=legal_basis(vacancy), description=vacancy.description,
    )


def access_report(candidate: Candidate, *, actor: Any) -> AccessReport:
    """Gather what a candidate is entitled to see under Art. 15; reading the findings is
    checked and audited as everywhere."""
    subject = candidate.subject
    held = [("name", str(candidate.name)), ("email", str(candidate.email)),
            ("language", candidate.language), ("state", candidate.state.value),
            ("added", f"{candidate.created_at:%Y-%m-%d}")]
    if candidate.decision:
        held.append(("decision", candidate.decision.value))
    if candidate.decision_reasons:
        held.append(("decision_reasons", str(candidate.decision_reasons)))
    held += [(f"{item.right.value}_grounds", str(item.details))
             for item in rights.pending(subject) if item.details]
    run = latest_run(candidate)
    totals = summarise(run.counts) if run else {}
    return AccessReport(
        reference=str(candidate.id), controller=controller_from_settings(),
        personal_data=held, vacancy=vacancy_processing(candidate.vacancy),
        recipients=[_("The recruiters of this vacancy")],
        retention_until=subject.erase_after,
        retention_reason=subject.erase_reason.value if subject.erase_reason else "",
        consents=[Consent(r.source_kind or r.purpose.value, r.decision.value, r.at)
                  for r in consent.history(subject)],
        findings=[Finding(f.source_kind, str(f.url), f.published, str(f.excerpt),
                          list(f.matched), str(f.context or ""))
                  for f in read_findings(candidate, actor=actor)],
        views=_views(candidate), withheld=totals.get("withheld", 0),
        not_assessed=totals.get("not_assessed", 0),
    )


def _views(candidate: Candidate) -> list[View]:
    """Name who read the candidate's findings, by role and id, from the audit log and the
    reads not yet chained (one statement, so a read folded meanwhile is counted once)."""
    pseudonym, action = audit.pseudonym(candidate.subject), AuditAction.FINDINGS_VIEWED.value
    chained, waiting = AuditEvent.__table__, JournaledRead.__table__
    statement = union_all(*(select(t.c.actor, t.c.at).where(
        t.c.subject == pseudonym, t.c.action == action, t.c.actor != "candidate")
        for t in (chained, waiting)))
    views = []
    for actor, at in sorted(db.session.execute(statement).all(), key=lambda row: row[1]):
        user = db.session.get(User, int(actor.split(":")[1])) \
            if actor.startswith("user:") else None
        viewer = f"{user.role.value} {user.id}" if user else actor
        views.append(View(viewer, _aware(at), "findings"))
    return views


def _aware(at: datetime) -> datetime:
    """A union hands back the stored naive UTC time: mark it as UTC, as the column type does."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def access_report_pdf(candidate: Candidate, *, actor: Any, lang: str | None = None,
                      progress: Progress | None = None) -> bytes:
    """Produce the candidate's signed access report (Art. 15); the caller commits."""
    lang = lang or candidate.language
    with force_locale(lang):  # the report, its embedded data too, is in the reader's language
        report = access_report(candidate, actor=actor)
    return produce_record(report, actor=actor, lang=lang,
                          objects={"candidate": candidate.id}, subject=candidate.subject,
                          progress=progress)


def record_of_processing() -> RecordOfProcessing:
    """Gather the Art. 30 record from the organisation settings and every vacancy."""
    settings = get_settings()
    vacancies = db.session.scalars(select(Vacancy).order_by(Vacancy.id)).all()
    return RecordOfProcessing(controller_from_settings(), settings.default_retention_days,
                              settings.default_lookback_years,
                              [vacancy_processing(v) for v in vacancies])


def dpia(vacancy: Vacancy) -> Dpia:
    """Gather a DPIA starting point for one vacancy."""
    return Dpia(controller_from_settings(), vacancy_processing(vacancy))


def report_params(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Check a requested report's target is in the user's scope (404 if not); name its params."""
    from screening import access

    if data.get("candidate"):
        candidate = access.get_candidate(user, data["candidate"])
        if data["kind"] == "access" and reading_basis(candidate, user) is None:
            raise FindingsRefused(candidate.id)  # its findings are for the candidate's request
        return {"candidate": candidate.id}
    if data.get("vacancy"):
        return {"vacancy": access.get_vacancy(user, data["vacancy"]).id}
    if data["kind"] == "audit":
        return {"since": _day(data["since"]), "until": _day(data["until"], end=True)}
    return {}


def _day(day: date, *, end: bool = False) -> str:
    return parse_when(day.isoformat(), end_of_day=end).isoformat()


def _get(model: type, ident: Any) -> Any:
    found = db.session.get(model, int(ident)) if ident is not None else None
    if found is None:
        raise ReportNotFound(f"no {model.__name__.lower()} {ident}")
    return found


def build_report(kind: str, params: dict[str, Any], *, actor: Any, lang: str,
                 progress: Progress | None = None) -> bytes:
    """Produce one signed report by kind and params; the caller commits."""
    common = {"actor": actor, "lang": lang, "progress": progress}
    if kind == "audit":
        return _build_trail(params, **common)
    if kind == "access":
        candidate = _get(Candidate, params.get("candidate"))
        return access_report_pdf(candidate, **common)
    if kind == "ropa":
        return produce_record(record_of_processing(), **common)
    if kind == "dpia":
        vacancy = _get(Vacancy, params.get("vacancy"))
        return produce_record(dpia(vacancy), objects={"vacancy": vacancy.id}, **common)
    raise ValueError(f"unknown report kind {kind!r}")


def _build_trail(params: dict[str, Any], **common: Any) -> bytes:
    if params.get("candidate") is not None:
        candidate = _get(Candidate, params["candidate"])
        return produce_trail(candidate_scope(candidate), subject=candidate.subject, **common)
    if params.get("vacancy") is not None:
        return produce_trail(vacancy_scope(_get(Vacancy, params["vacancy"])), **common)
    since, until = (datetime.fromisoformat(params[k]) for k in ("since", "until"))
    return produce_trail(period_scope(since, until), **common)


def sealing_key(kind: str, params: dict[str, Any]) -> str | None:
    """Return the data key a kept report must be sealed under: the access report's subject's."""
    if kind != "access":
        return None  # trails are pseudonymous; the record and the DPIA hold no candidate data
    return _get(Candidate, params["candidate"]).subject.key_id


@task(jobs.TASK)
def render_job(job_id: str) -> None:
    """Render a requested report in the background, committing each stage as progress."""
    job = db.session.get(ReportJob, job_id)
    if job is None:
        return
    actor = db.session.get(User, job.requested_by)
    try:
        jobs.advance(job, Stage.EXPORTING)
        pdf = build_report(job.kind, job.params, actor=actor, lang=job.lang,
                           progress=lambda stage: jobs.advance(job, Stage(stage)))
        jobs.finish(job, pdf, key_id=sealing_key(job.kind, job.params))
    except Exception as error:  # the job must end, whatever went wrong
        db.session.rollback()
        # Exception texts can carry data; the log gets the job and the kind of error only.
        log.error("report job %s failed: %s", job_id, type(error).__name__)
        job = db.session.get(ReportJob, job_id)
        jobs.advance(job, Stage.FAILED)
