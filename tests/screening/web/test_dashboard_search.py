"""The recruiter's dashboard: filters by state and vacancy in the query, the name only in a
POST body; only candidates in scope are found, and a list costs a fixed number of queries."""

import logging

import pytest
from sqlalchemy import event

from compliance.accounts import Role
from compliance.db import db as _db
from screening.lifecycle import Action, CaseState, move
from screening.models import Candidate

NAME = "Zoë Verbruggen"


@pytest.fixture
def cases(db, recruiter, make_user, make_vacancy, make_candidate):
    """Two vacancies of the recruiter's, one of someone else's with a namesake."""
    backend = make_vacancy(owner=recruiter, title="Backend developer")
    nurse = make_vacancy(owner=recruiter, title="Nurse")
    other = make_vacancy(owner=make_user(Role.RECRUITER), title="Hidden job")
    zoe = make_candidate(backend, name=NAME, email="zoe@example.org")
    piet = make_candidate(backend, name="Piet de Vries", email="piet@example.org")
    anna = make_candidate(nurse, name="Anna Zoe Smit", email="anna@example.org")
    hidden = make_candidate(other, name="Zoë Verbruggen-Hidden", email="hid@example.org")
    move(piet, CaseState.CONSENT_REQUESTED, actor="system", reason=Action.ASK_CONSENT)
    db.session.commit()
    return {"backend": backend, "nurse": nurse, "zoe": zoe, "piet": piet, "anna": anna,
            "hidden": hidden}


def rows(page: str) -> list[str]:
    return [name for name in (NAME, "Piet de Vries", "Anna Zoe Smit", "Zoë Verbruggen-Hidden")
            if f">{name}</a>" in page]


def test_filter_by_state_in_the_query(client, cases):
    page = client.get("/dashboard?state=consent_requested").get_data(as_text=True)
    assert rows(page) == ["Piet de Vries"]
    assert "1 candidate matches." in page
    assert '<option value="consent_requested" selected>Agreement requested</option>' in page


def test_filter_by_vacancy_in_the_query(client, cases):
    page = client.get(f"/dashboard?vacancy={cases['nurse'].id}").get_data(as_text=True)
    assert rows(page) == ["Anna Zoe Smit"]


def test_a_vacancy_out_of_scope_is_a_field_error_not_a_leak(client, cases):
    hidden_vacancy = cases["hidden"].vacancy_id
    response = client.get(f"/dashboard?vacancy={hidden_vacancy}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="vacancy-error">Choose one of the options.' in page
    assert 'aria-invalid="true"' in page and "Hidden job" not in page
    assert rows(page) == [NAME, "Piet de Vries", "Anna Zoe Smit"]  # the overview, unfiltered


@pytest.mark.parametrize("state", ["nonsense", "erased", "<script>"])
def test_an_unknown_state_is_a_field_error(client, cases, state):
    response = client.get("/dashboard", query_string={"state": state})
    assert response.status_code == 422
    assert 'id="state-error">Choose one of the options.' in response.get_data(as_text=True)


def test_name_search_is_a_post_and_the_name_stays_out_of_every_address(client, cases, caplog):
    caplog.set_level(logging.DEBUG)
    backend = cases["backend"].id
    response = client.post(f"/dashboard/search?state=added&vacancy={backend}",
                           data={"name": "zoe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # Accents and case do not count; the other recruiter's namesake is not found, nor the
    # Zoe at the nurse job (the vacancy filter holds).
    assert rows(page) == [NAME]
    assert 'value="zoe"' in page  # the typed text stays in the field
    assert '<option value="added" selected>' in page
    assert f'action="/dashboard/search?state=added&amp;vacancy={backend}"' in page
    assert "zoe" not in response.headers.get("Location", "")
    for url in _addresses(page):
        assert "zoe" not in url.lower() and "verbruggen" not in url.lower(), url
    assert "zoe" not in caplog.text.lower() and "verbruggen" not in caplog.text.lower()


def test_name_search_finds_across_vacancies_in_scope(client, cases):
    page = client.post("/dashboard/search", data={"name": "  ZOE "}).get_data(as_text=True)
    assert rows(page) == [NAME, "Anna Zoe Smit"]


def test_name_search_without_csrf_token_is_refused(app, client, cases):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/dashboard/search", data={"name": "zoe"})
    assert response.status_code == 400
    assert NAME not in response.get_data(as_text=True)


def test_no_match_says_so_and_offers_to_clear(client, cases):
    page = client.post("/dashboard/search", data={"name": "Nobody"}).get_data(as_text=True)
    assert "No candidate matches these filters." in page
    assert 'href="/dashboard">Clear the filters</a>' in page
    assert rows(page) == []


@pytest.mark.parametrize(("name", "message"), [
    ("   ", "Type a name, or part of one."),
    ("x" * 201, "Use at most 200 characters."),
])
def test_a_bad_name_gets_a_message_next_to_the_field(client, cases, name, message):
    response = client.post("/dashboard/search", data={"name": name})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="name-error">{message}' in page
    assert 'aria-describedby="name-hint name-error" aria-invalid="true"' in page


def test_candidate_content_is_escaped_in_results(client, db, recruiter, make_vacancy,
                                                 make_candidate):
    make_candidate(make_vacancy(owner=recruiter), name="<b>Bold</b> Name")
    page = client.post("/dashboard/search", data={"name": "bold"}).get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; Name" in page and "<b>Bold</b>" not in page


def _addresses(page: str) -> list[str]:
    import re
    return re.findall(r'(?:href|action|src)="([^"]*)"', page)


def _count_statements(client, method: str, url: str, **kwargs) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    engines = set(_db.engines.values())  # the key vault's too: each key read is a query
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        response = getattr(client, method)(url, **kwargs)
        assert response.status_code == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize(("method", "url", "kwargs"), [
    ("get", "/dashboard", {}),
    ("get", "/dashboard?state=added", {}),
    ("post", "/dashboard/search", {"data": {"name": "a"}}),
])
def test_a_list_costs_the_same_number_of_queries_however_long(client, db, recruiter,
                                                               make_vacancy, make_candidate,
                                                               method, url, kwargs):
    vacancy = make_vacancy(owner=recruiter)
    make_candidate(vacancy, name="Anna One")
    client.get("/dashboard")  # warm up whatever a first request loads once
    few = _count_statements(client, method, url, **kwargs)
    second = make_vacancy(owner=recruiter, title="Second")
    for n in range(6):
        make_candidate(second if n % 2 else vacancy, name=f"Anna {n}", email=f"a{n}@example.org")
    many = _count_statements(client, method, url, **kwargs)
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 7
    # A request's read notes may be folded into the chain in that request or left for a later
    # one (PostgreSQL's try-lock), which moves the count by one; a query per candidate would
    # add six.
    assert many <= few + 1
