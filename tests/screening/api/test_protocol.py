"""The API's HTTP contract: problem documents, ETag/If-Match, pagination, spec and docs."""

import json
import re

import pytest

from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from tests.conftest import vacancy_values


@pytest.fixture
def recruiter(make_user):
    return make_user(Role.RECRUITER)


def test_invalid_body_names_every_field_in_a_problem_document(api, recruiter):
    body = {**vacancy_values(), "title": " ", "allowed_sources": ["fax"], "lookback_years": 99}
    del body["purpose"]
    response = api(recruiter).post("/api/v1/vacancies", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 422 and problem["title"] and problem["detail"]
    assert set(problem["errors"]) == {"title", "allowed_sources.0", "lookback_years", "purpose"}
    assert problem["errors"]["purpose"] == ["This field is required."]


def test_unknown_fields_and_non_json_bodies_are_refused(api, recruiter):
    caller = api(recruiter)
    extra = caller.post("/api/v1/vacancies", json={**vacancy_values(), "owner_id": 7})
    assert extra.status_code == 422 and "owner_id" in extra.get_json()["errors"]
    text = caller.post("/api/v1/vacancies", data="title=x", content_type="text/plain")
    assert text.status_code == 422 and text.mimetype == "application/problem+json"


def test_control_characters_are_a_field_error_not_a_database_error(api, recruiter):
    """PostgreSQL refuses NUL in text: found by schemathesis as a 500."""
    body = {**vacancy_values(), "title": "Backend\x00developer",
            "criteria": ["Python", "Dja\x00ngo"]}
    response = api(recruiter).post("/api/v1/vacancies", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"title", "criteria"}
    assert api(recruiter).get("/api/v1/vacancies").get_json() == []


def test_dutch_messages_for_a_dutch_client(api, recruiter):
    response = api(recruiter).post("/api/v1/vacancies", json={},
                                   headers={"Accept-Language": "nl"})
    assert response.get_json()["errors"]["title"] == ["Dit veld is verplicht."]


def test_unknown_routes_and_methods_are_problems_too(api, recruiter):
    caller = api(recruiter)
    missing = caller.get("/api/v1/nowhere")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = caller.open("/api/v1/vacancies", method="DELETE")
    assert wrong.status_code == 405 and wrong.mimetype == "application/problem+json"
    assert "POST" in wrong.headers["Allow"]


def test_pages_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_crash_is_a_problem_document_without_its_cause(app, api, monkeypatch, make_user):
    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("screening.api.legal.verify_and_record", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = api(make_user(Role.LEGAL)).post("/api/v1/audit/verifications")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/vacancies/{v}", vacancy_values(title="Lead developer")),
    ("/api/v1/candidates/{c}", {"name": "Kim", "email": "kim@example.org", "language": "nl"}),
])
def test_updates_need_the_current_etag(api, recruiter, make_vacancy, make_candidate, path,
                                       body):
    candidate = make_candidate(make_vacancy(owner=recruiter))
    url = path.format(v=candidate.vacancy_id, c=candidate.id)
    caller = api(recruiter)
    etag = caller.get(url).headers["ETag"]
    missing = caller.put(url, json=body)
    assert missing.status_code == 428 and missing.mimetype == "application/problem+json"
    stale = caller.put(url, json=body, headers={"If-Match": '"stale"'})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    changed = caller.put(url, json=body, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag
    assert caller.get(url).headers["ETag"] == changed.headers["ETag"]
    again = caller.put(url, json=body, headers={"If-Match": etag})
    assert again.status_code == 412  # a lost update is refused


def test_not_modified_when_the_etag_still_matches(api, recruiter, make_vacancy):
    vacancy = make_vacancy(owner=recruiter)
    caller = api(recruiter)
    etag = caller.get(f"/api/v1/vacancies/{vacancy.id}").headers["ETag"]
    cached = caller.get(f"/api/v1/vacancies/{vacancy.id}", headers={"If-None-Match": etag})
    assert cached.status_code == 304


def test_pages_have_limits(api, recruiter, make_vacancy):
    for n in range(3):
        make_vacancy(owner=recruiter, title=f"Vacancy {n}")
    caller = api(recruiter)
    first = caller.get("/api/v1/vacancies?page_size=2")
    assert [v["title"] for v in first.get_json()] == ["Vacancy 0", "Vacancy 1"]
    meta = json.loads(first.headers["X-Pagination"])
    assert meta["total"] == 3 and meta["total_pages"] == 2 and meta["next_page"] == 2
    second = caller.get("/api/v1/vacancies?page=2&page_size=2").get_json()
    assert [v["title"] for v in second] == ["Vacancy 2"]
    too_big = caller.get("/api/v1/vacancies?page_size=101")
    assert too_big.status_code == 422 and "page_size" in too_big.get_json()["errors"]


def test_candidate_reads_are_audited_without_personal_data(api, db, recruiter, make_vacancy,
                                                           make_candidate):
    vacancy = make_vacancy(owner=recruiter)
    first, second = make_candidate(vacancy), make_candidate(vacancy, name="Sam Smit",
                                                            email="sam@example.org")
    caller = api(recruiter)
    caller.get(f"/api/v1/vacancies/{vacancy.id}/candidates")
    caller.get(f"/api/v1/candidates/{first.id}")
    db.session.rollback()
    reads = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.PERSONAL_DATA_VIEWED).order_by(AuditEvent.seq)).all()
    assert [e.objects["candidate"] for e in reads] == [first.id, second.id, first.id]
    assert all(e.actor == f"user:{recruiter.id}" and e.subject for e in reads)
    text = " ".join(e.objects_json + e.details_json for e in reads)
    assert "Jamie" not in text and "example.org" not in text


def test_openapi_document_describes_every_operation_with_bearer_security(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]
    operations = [(m, p) for p, item in spec["paths"].items() for m in item if m != "parameters"]
    assert len(operations) == 22  # with counsel's extension, refusal, hold and release
    for method, path in operations:
        responses = spec["paths"][path][method]["responses"]
        assert {"401", "403", "404", "429", "503", "default"} <= set(responses), (method, path)
    problem = spec["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(problem) == ["application/problem+json"]
    # The document is written when first read: every reference in it still resolves (the
    # ETag headers, the pagination header, the error responses).
    refs = set(re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(spec)))
    assert {"components/parameters/IF_MATCH", "components/headers/PAGINATION"} <= refs
    for ref in refs:
        node = spec
        for part in ref.split("/"):
            assert part in node, ref
            node = node[part]


def test_docs_page_lists_every_operation_and_loads_nothing_from_elsewhere(client):
    spec = client.get("/api/openapi.json").get_json()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path, item in spec["paths"].items():
        for method in item:
            if method != "parameters":
                assert f"{method.upper()} {path}" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
