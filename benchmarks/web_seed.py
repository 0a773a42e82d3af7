"""A seeded instance for the web benchmark: a recruiter, an API token, vacancies full of
candidates, and one case carried through agreement to a finished run with findings.

Everything goes through the product's own verbs except the run's fetch: the findings a run
would store are added as rows (as the tests do), so no network or classifier is needed.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text

from compliance import tokens
from compliance.accounts import Role, create_user
from compliance.api_tokens import create_token
from compliance.consent import SourceAnswer
from compliance.db import db, utcnow
from compliance.organisation import update_settings
from screening import runs
from screening.candidates import add_candidate
from screening.case import answer_consent, request_consent
from screening.findings import Finding
from screening.runs import RunStatus, SourceOutcome
from screening.vacancies import create_vacancy

PASSWORD = "bench horse battery staple"
RECRUITER = "recruiter@bench.test"
BASELINE_ROWS = 20
FINDINGS = 5


@dataclass(frozen=True)
class Seeded:
    """What the load needs to reach every page: ids, a portal link and the API token."""

    vacancy_id: int
    candidate_id: int
    portal_token: str
    api_token: str


def vacancy_values(n: int) -> dict:
    return {
        "title": f"Backend developer {n}", "description": "Python services.", "language": "en",
        "criteria": ["Python", "PostgreSQL"], "allowed_sources": ["rss", "github"],
        "lookback_years": 3, "retention_days": 28, "comment_window_days": 3, "status": "open",
        "assignee_ids": [], "purpose": "Check published work.", "necessity": "Needed.",
        "alternatives": "Interview only.", "balancing": "Minimal data.",
    }


def seed(vacancies: int, per_vacancy: int) -> Seeded:
    """Fill the app's database; commit; return where the pages are."""
    update_settings({"controller_name": "Bench B.V.", "controller_address": "Damrak 1",
                     "dpo_contact": "dpo@bench.test"}, actor="system")
    recruiter = create_user(RECRUITER, "Bench Recruiter", PASSWORD, Role.RECRUITER,
                            actor="system")
    _token, api_token = create_token(recruiter, "bench", actor=recruiter)
    first = None
    for v in range(vacancies):
        vacancy = create_vacancy(vacancy_values(v + 1), owner=recruiter)
        for c in range(per_vacancy):
            candidate = add_candidate(vacancy, {"name": f"Candidate {v + 1}-{c + 1}",
                                                "email": f"c{v + 1}-{c + 1}@example.org",
                                                "language": "en"}, actor=recruiter)
            first = first or candidate
        db.session.commit()
    portal = _screened(first, recruiter)
    _baseline_rows()
    db.session.commit()
    return Seeded(vacancy_id=first.vacancy_id, candidate_id=first.id, portal_token=portal,
                  api_token=api_token)


def _screened(candidate, recruiter) -> str:
    """Carry one case through agreement to a done run with findings; return a portal link."""
    request_consent(candidate, actor=recruiter)
    answer_consent(candidate, [SourceAnswer("rss", "https://blog.example.org/feed.xml", True)],
                   talent_pool=False)
    db.session.commit()
    run = runs.queue_run(candidate, actor=recruiter)
    db.session.flush()
    for i in range(FINDINGS):
        db.session.add(Finding(run_id=run.id, candidate_id=candidate.id,
                               subject=candidate.subject, source_kind="rss",
                               account="https://blog.example.org/feed.xml",
                               url=f"https://blog.example.org/p/{i}",
                               published=utcnow() - timedelta(days=i + 1),
                               excerpt=f"Shipped a Django and PostgreSQL service, part {i}.",
                               matched=["Python", "PostgreSQL"]))
    run.progress = {"rss": {"state": SourceOutcome.OK.value}}
    run.counts = {"rss": {"looked_at": 9, "shown": FINDINGS, "withheld": {"health": 1},
                          "irrelevant": 3, "not_assessed": 0, "decided_by": {}}}
    runs._finish(run, RunStatus.DONE)  # as a run that stored these findings would end
    raw = tokens.issue(candidate.subject, tokens.Purpose.PORTAL, timedelta(days=1))
    db.session.commit()
    return raw


def _baseline_rows() -> None:
    """The rows the baseline page reads: a plain table, nothing encrypted."""
    db.session.execute(text("CREATE TABLE bench_row (id INTEGER PRIMARY KEY, "
                            "name VARCHAR(200), state VARCHAR(40), created_at VARCHAR(40))"))
    db.session.execute(text("INSERT INTO bench_row VALUES (:id, :name, :state, :at)"), [
        {"id": i, "name": f"Row {i}", "state": "added", "at": utcnow().isoformat()}
        for i in range(1, 101)])
