"""A list costs a fixed number of SQL statements, however many candidates it shows: the
dashboard, a vacancy's page and the API's candidate list, with cases in several states (an
agreement makes the pages ask the consent records, a run the runs), data keys included; and
so do the findings, on the review page, in the API and in the candidate's portal."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from compliance import tokens
from compliance.accounts import Role
from compliance.api_tokens import create_token
from compliance.consent import SourceAnswer
from compliance.db import utcnow
from compliance.organisation import update_settings
from screening.case import answer_consent, request_consent
from screening.runs import Finding, RunStatus, ScreeningRun, queue_run


@contextmanager
def statements(db):
    """Collect every statement sent to any database the app uses, the key vault's included."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement.split("\n")[0])

    engines = list(db.engines.values())
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def app_config():
    # Runs stay queued (in the real queue, unconsumed): this is about reading the lists.
    return {"HUEY_IMMEDIATE": False}


@pytest.fixture(autouse=True)
def organisation(db):
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    db.session.commit()


def recruiter_with(count: int, db, make_user, make_vacancy, make_candidate):
    """A recruiter whose one vacancy has `count` candidates: added, agreed, or being screened."""
    recruiter = make_user(Role.RECRUITER)
    vacancy = make_vacancy(owner=recruiter)
    for n in range(count):
        candidate = make_candidate(vacancy, name=f"Candidate {n}", email=f"c{n}@example.org")
        if n % 3:
            request_consent(candidate, actor=recruiter)
            answer_consent(candidate, [SourceAnswer("rss", "https://blog.example.org/feed",
                                                    True)], talent_pool=False)
            if n % 3 == 2:
                queue_run(candidate, actor=recruiter)
            db.session.commit()
    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    return recruiter, vacancy, raw


def cost(app, db, login_as, recruiter, url: str, headers: dict) -> list[str]:
    client = app.test_client()
    if not headers:
        login_as(client, recruiter)
    assert client.get(url, headers=headers).status_code == 200  # a first request warms up
    with statements(db) as seen:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return seen


@pytest.fixture
def login_as():
    from tests.conftest import log_in

    def logged_in(client, user):
        assert log_in(client, user).status_code == 302

    return logged_in


@pytest.mark.parametrize("page", ["dashboard", "vacancy page", "API candidate list"])
def test_a_list_costs_the_same_statements_for_3_and_30_candidates(
        app, db, make_user, make_vacancy, make_candidate, login_as, page):
    costs = {}
    for count in (3, 30):
        recruiter, vacancy, token = recruiter_with(count, db, make_user, make_vacancy,
                                                   make_candidate)
        url, headers = {
            "dashboard": ("/dashboard", {}),
            "vacancy page": (f"/vacancies/{vacancy.id}", {}),
            "API candidate list": (f"/api/v1/vacancies/{vacancy.id}/candidates?page_size=50",
                                   {"Authorization": f"Bearer {token}"}),
        }[page]
        costs[count] = cost(app, db, login_as, recruiter, url, headers)
    assert len(costs[30]) == len(costs[3]), "\n".join(costs[30])


def candidate_with_findings(count: int, db, make_user, make_vacancy, make_candidate):
    """A recruiter, an API token and a candidate whose finished run shows `count` findings;
    also the candidate's portal link."""
    recruiter = make_user(Role.RECRUITER)
    candidate = make_candidate(make_vacancy(owner=recruiter))
    request_consent(candidate, actor=recruiter)
    answer_consent(candidate, [SourceAnswer("rss", "https://blog.example.org/feed", True)],
                   talent_pool=False)
    run = ScreeningRun(candidate=candidate, status=RunStatus.DONE,
                       progress={"rss": {"state": "done", "posts": count}},
                       counts={"rss": {"looked_at": count, "shown": count, "irrelevant": 0,
                                       "withheld": {}, "not_assessed": 0}})
    db.session.add(run)
    db.session.flush()
    for n in range(count):
        db.session.add(Finding(run_id=run.id, candidate_id=candidate.id,
                               subject=candidate.subject, source_kind="rss",
                               account="https://blog.example.org/feed",
                               url=f"https://blog.example.org/p/{n}", published=utcnow(),
                               excerpt=f"Shipped a Django service, part {n}.",
                               matched=["Django"]))
    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    portal = tokens.issue(candidate.subject, tokens.Purpose.PORTAL, timedelta(days=1))
    db.session.commit()
    return recruiter, candidate, raw, portal


@pytest.mark.parametrize("page", ["findings page", "API findings", "candidate portal"])
def test_findings_cost_the_same_statements_for_2_and_8_findings(
        app, db, make_user, make_vacancy, make_candidate, login_as, page):
    """Reading findings commits nothing before the page is built (the read is journalled as
    the response leaves), so no finding is loaded again one by one."""
    costs = {}
    for count in (2, 8):
        recruiter, candidate, token, portal = candidate_with_findings(
            count, db, make_user, make_vacancy, make_candidate)
        url, headers = {
            "findings page": (f"/candidates/{candidate.id}/findings", {}),
            "API findings": (f"/api/v1/candidates/{candidate.id}/findings",
                             {"Authorization": f"Bearer {token}"}),
            "candidate portal": (f"/portal/{portal}", {"Accept-Language": "en"}),
        }[page]
        costs[count] = cost(app, db, login_as, recruiter, url, headers)  # headers: no login
    assert len(costs[8]) == len(costs[2]), "\n".join(costs[8])
