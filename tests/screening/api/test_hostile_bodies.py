"""Hostile JSON bodies sent to every JSON-body operation of the OpenAPI document.

Python's own parser answers a deeply nested body with RecursionError and an integer of more
than 4,300 digits with ValueError: both were 500s. Each must be a 400 problem document,
refused before marshmallow sees the body.
"""

import json
import uuid

import pytest

from compliance.accounts import Role
from screening.api.bodies import MAX_BYTES, MAX_DEPTH, MAX_DIGITS
from screening.models import Vacancy
from tests.conftest import vacancy_values

PROBLEM = "urn:fairscreen:problem:"
# Reports, rights requests and legal holds are legal counsel's; the rest is the recruiter's.
LEGAL_PREFIXES = ("/api/v1/reports", "/api/v1/rights-requests")
LEGAL_SUFFIXES = ("/legal-hold", "/legal-hold/release")


def json_body_operations(client) -> list[tuple[str, str, str]]:
    """Return (method, path template, first body field) of every operation with a JSON body."""
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            assert {"400", "413"} <= set(operation["responses"]), (method, path)
            found.append((method.upper(), path, next(iter(schemas[ref]["properties"]))))
    return sorted(found)


@pytest.fixture
def world(db, make_user, make_vacancy, make_candidate, token_for):
    recruiter, legal = make_user(Role.RECRUITER), make_user(Role.LEGAL)
    vacancy = make_vacancy(owner=recruiter)
    candidate = make_candidate(vacancy)
    return {"tokens": {"recruiter": token_for(recruiter), "legal": token_for(legal)},
            # No rights request exists: a body is refused before the request is looked up.
            "ids": {"vacancy_id": vacancy.id, "candidate_id": candidate.id, "request_id": 1}}


def send(client, world, method: str, template: str, body: bytes):
    """Send `body` with every header the operation needs, so only the body can be refused."""
    path = template.format(**world["ids"])
    legal = path.startswith(LEGAL_PREFIXES) or path.endswith(LEGAL_SUFFIXES)
    who = "legal" if legal else "recruiter"
    headers = {"Authorization": f"Bearer {world['tokens'][who]}",
               "Idempotency-Key": uuid.uuid4().hex}
    if method == "PUT":
        headers["If-Match"] = client.get(path, headers=headers).headers["ETag"]
    return client.open(path, method=method, data=body, headers=headers,
                       content_type="application/json")


def with_value(field: str, literal: bytes) -> bytes:
    """Return a JSON object text whose one field holds `literal`, written as it is."""
    return b'{"' + field.encode() + b'": ' + literal + b"}"


def nested(depth: int, field: str) -> bytes:
    return with_value(field, b"[" * (depth - 1) + b"]" * (depth - 1))


def number(digits: int, field: str) -> bytes:
    return with_value(field, b"7" * digits)


HOSTILE = {
    "nested-100k": (lambda f: nested(100_000, f), "json-too-deep"),
    "nested-over-limit": (lambda f: nested(MAX_DEPTH + 1, f), "json-too-deep"),
    "integer-5000-digits": (lambda f: number(5000, f), "json-number-too-large"),
    "integer-over-limit": (lambda f: number(MAX_DIGITS + 1, f), "json-number-too-large"),
    "negative-integer": (lambda f: with_value(f, b"-" + b"9" * 30), "json-number-too-large"),
    "float-5000-digits": (lambda f: with_value(f, b"0." + b"3" * 5000), "json-number-too-large"),
    "float-overflow": (lambda f: with_value(f, b"1e400"), "json-number-too-large"),
    "nan": (lambda f: with_value(f, b"NaN"), "invalid-json"),
    "infinity": (lambda f: with_value(f, b"-Infinity"), "invalid-json"),
    "bare-nan": (lambda f: b"NaN", "invalid-json"),
    "latin-1": (lambda f: with_value(f, '"Jos\xe9"'.encode("latin-1")), "invalid-json"),
    "surrogate-bytes": (lambda f: with_value(f, b'"\xed\xa0\x80"'), "invalid-json"),
    "lone-surrogate-escape": (lambda f: with_value(f, b'"Py\\ud800thon"'), "invalid-json"),
    "truncated": (lambda f: with_value(f, b"[1, 2")[:-1], "invalid-json"),
    # Quadratic in a scan that must find each string's closing quote: minutes, not a 400.
    "escaped-quotes": (lambda f: with_value(f, b'\\"' * 200_000), "invalid-json"),
}


def test_the_spec_lists_every_json_body_operation(client):
    """Guard the guard: the parametrised attack below reaches all ten operations."""
    assert {(m, p) for m, p, _f in json_body_operations(client)} == {
        ("POST", "/api/v1/vacancies"), ("PUT", "/api/v1/vacancies/{vacancy_id}"),
        ("POST", "/api/v1/vacancies/{vacancy_id}/candidates"),
        ("PUT", "/api/v1/candidates/{candidate_id}"),
        ("POST", "/api/v1/candidates/{candidate_id}/decision"), ("POST", "/api/v1/reports"),
        ("POST", "/api/v1/rights-requests/{request_id}/extension"),
        ("POST", "/api/v1/rights-requests/{request_id}/refusal"),
        ("POST", "/api/v1/candidates/{candidate_id}/legal-hold"),
        ("POST", "/api/v1/candidates/{candidate_id}/legal-hold/release")}


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_hostile_bodies_are_refused_as_problems(app, client, world, attack):
    build, problem = HOSTILE[attack]
    for method, template, field in json_body_operations(client):
        response = send(client, world, method, template, build(field))
        where = f"{attack} -> {method} {template}"
        assert response.status_code == 400, where
        assert response.mimetype == "application/problem+json", where
        body = response.get_json()
        assert body["type"] == PROBLEM + problem, where
        assert body["status"] == 400 and body["title"] == "Bad Request", where
        assert body["detail"] and body["instance"] == template.format(**world["ids"]), where
        assert "7777" not in response.get_data(as_text=True), where


def test_an_oversized_body_is_refused_unread(client, world):
    for method, template, field in json_body_operations(client):
        body = with_value(field, b'"' + b"a" * MAX_BYTES + b'"')
        response = send(client, world, method, template, body)
        assert response.status_code == 413, (method, template)
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["type"] == PROBLEM + "json-too-large"


def test_bodies_within_the_limits_reach_the_schema(client, world):
    """At the limits exactly, the body is parsed and marshmallow judges the fields."""
    for method, template, field in json_body_operations(client):
        deep = send(client, world, method, template, nested(MAX_DEPTH, field))
        assert deep.status_code == 422, (method, template, deep.get_json())
        assert field in deep.get_json()["errors"]
        big = send(client, world, method, template, number(MAX_DIGITS, field))
        assert big.status_code == 422, (method, template, big.get_json())
        assert field in big.get_json()["errors"]


def test_brackets_inside_strings_do_not_count_as_nesting(api, make_user):
    title = "[" * 100 + '"{' * 50
    body = json.dumps(vacancy_values(title=title)).encode()
    response = api(make_user(Role.RECRUITER)).post("/api/v1/vacancies", data=body,
                                                   content_type="application/json")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == title


def test_huge_ids_in_a_valid_body_are_field_errors(client, world):
    """Twenty digits pass the parser; the id fields themselves refuse what no row can have."""
    headers = {"Authorization": f"Bearer {world['tokens']['recruiter']}"}
    body = vacancy_values(assignee_ids=[int("9" * MAX_DIGITS)])
    response = client.post("/api/v1/vacancies", json=body, headers=headers)
    assert response.status_code == 422 and "assignee_ids" in response.get_json()["errors"]
    legal = {"Authorization": f"Bearer {world['tokens']['legal']}",
             "Idempotency-Key": uuid.uuid4().hex}
    report = {"kind": "access", "lang": "en", "candidate": int("9" * MAX_DIGITS)}
    response = client.post("/api/v1/reports", json=report, headers=legal)
    assert response.status_code == 422 and "candidate" in response.get_json()["errors"]


def test_a_dutch_client_reads_the_refusal_in_dutch(api, make_user):
    response = api(make_user(Role.RECRUITER)).post(
        "/api/v1/vacancies", data=nested(MAX_DEPTH + 1, "title"),
        content_type="application/json", headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    assert response.get_json()["detail"] == (
        f"De request body nest arrays en objecten meer dan {MAX_DEPTH} niveaus diep.")


def test_the_pages_forms_are_not_read_as_json(client, db, make_user, login):
    """Form posts keep their own parsing: text that looks like deep JSON is just text."""
    recruiter = make_user(Role.RECRUITER)
    login(recruiter)
    values = vacancy_values(title="[" * 60 + "]" * 60, description="7" * 4400)
    form = {**values, "criteria": "\n".join(values["criteria"])}
    response = client.post("/vacancies/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.rollback()
    assert db.session.scalars(db.select(Vacancy.title)).all() == ["[" * 60 + "]" * 60]


def test_the_report_form_refuses_an_id_no_row_can_have(client, make_user, login):
    """The report schema is shared with the page: a 20-digit id was a database error there too."""
    login(make_user(Role.LEGAL))
    response = client.post("/legal/reports", data={"kind": "access", "lang": "en",
                                                   "candidate": "9" * MAX_DIGITS})
    assert response.status_code == 422
    assert "Choose one of the options." in response.get_data(as_text=True)
