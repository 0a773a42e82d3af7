"""A list costs a fixed number of SQL statements, however many candidates it shows: the
dashboard, a vacancy's page and the API's candidate list, with cases in several states (an
agreement makes the pages ask the consent records, a run the runs), data keys included."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from compliance.accounts import Role
from compliance.api_tokens import create_token
from compliance.consent import SourceAnswer
from compliance.organisation import update_settings
from screening.case import answer_consent, request_consent
from screening.runs import queue_run


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
