"""How each object looks in the API: plain dicts for the response schemas to dump."""

from typing import Any

from sqlalchemy import select

from compliance import consent
from compliance.db import db
from compliance.rights import RightsRequest
from screening.candidates import erase_after
from screening.case import needs_agreement
from screening.findings import Finding, comment_window_open, window_closes_at
from screening.lifecycle import Action, allowed
from screening.models import Candidate, Vacancy
from screening.runs import ScreeningRun, latest_run, latest_runs, missing_sources
from screening.tallies import summarise
from screening.vacancies import vacancy_form_values


def vacancy(item: Vacancy) -> dict[str, Any]:
    values = {k: v for k, v in vacancy_form_values(item).items()
              if k not in ("purpose", "necessity", "alternatives", "balancing")}
    assessment = item.assessment
    return {**values, "id": item.id, "owner_id": item.owner_id,
            "assessment": None if assessment is None else {
                **assessment.fields(), "version": assessment.version,
                "created_at": assessment.created_at},
            "created_at": item.created_at, "updated_at": item.updated_at}


def candidates(items: list[Candidate]) -> list[dict[str, Any]]:
    """Represent a list in a fixed number of queries: the runs and agreements in one each."""
    runs = latest_runs([c.id for c in items])
    consent.preload([c.subject for c in items])
    return [candidate(c, runs) for c in items]


def candidate(item: Candidate, runs: dict[int, ScreeningRun] | None = None) -> dict[str, Any]:
    run = runs.get(item.id) if runs is not None else latest_run(item)
    return {"id": item.id, "vacancy_id": item.vacancy_id, "name": item.name,
            "email": item.email, "language": item.language, "state": item.state.value,
            "decision": item.decision.value if item.decision else None,
            "decision_reasons": item.decision_reasons,
            "decided_at": item.decided_at, "notified_at": item.notified_at,
            "comment_window_open": comment_window_open(item),
            "comment_window_closes_at": window_closes_at(item),
            "allowed_actions": [a.value for a in Action if allowed(item, a)],
            "needs_agreement": needs_agreement(item),
            "erase_after": erase_after(item), "latest_run_id": run.id if run else None,
            "created_at": item.created_at, "updated_at": item.updated_at}


def run(item: ScreeningRun) -> dict[str, Any]:
    return {"id": item.id, "candidate_id": item.candidate_id, "status": item.status.value,
            "error": item.error, "progress": item.progress, "totals": summarise(item.counts),
            "missing_sources": missing_sources(item),
            "queued_at": item.queued_at, "started_at": item.started_at,
            "finished_at": item.finished_at}


def finding(item: Finding) -> dict[str, Any]:
    # No `url`: the recruiter gets no link to the unredacted original (third parties in it).
    return {k: getattr(item, k) for k in ("id", "run_id", "source_kind", "account",
                                          "published", "excerpt", "matched", "context",
                                          "context_at")}


def rights_request(item: RightsRequest, candidate_ids: dict[int, int]) -> dict[str, Any]:
    return {"id": item.id, "candidate_id": candidate_ids.get(item.subject_id),
            "right": item.right.value, "status": item.status.value,
            "received_at": item.received_at, "due_at": item.due_at, "overdue": item.overdue,
            "resolved_at": item.resolved_at}


def candidate_ids_of(subject_ids: list[int]) -> dict[int, int]:
    """Map subjects to their candidates, for requests that name a subject."""
    rows = select(Candidate.subject_id, Candidate.id).where(Candidate.subject_id.in_(subject_ids))
    return {subject_id: candidate_id for subject_id, candidate_id in db.session.execute(rows)}
