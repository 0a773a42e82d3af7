"""Every API operation x every role x own/other object: the pages' rules, through the API."""

import pytest

from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.organisation import update_settings
from screening.runs import RunStatus, ScreeningRun
from tests.conftest import vacancy_values
from tests.screening.web.test_access_matrix import _snapshot

CANDIDATE_BODY = {"name": "Kim de Boer", "email": "kim@example.org", "language": "nl"}
KEY = {"Idempotency-Key": "matrix-1"}
ANY = {"If-Match": "*"}

# operation: (method, path, json body, headers). {v} vacancy, {c} candidate, {r} run.
OPERATIONS = {
    "vacancies_list": ("GET", "/api/v1/vacancies", None, None),
    "vacancy_create": ("POST", "/api/v1/vacancies", vacancy_values(), None),
    "vacancy_show": ("GET", "/api/v1/vacancies/{v}", None, None),
    # Without assignee_ids the team stays as it is: only its owner may change it.
    "vacancy_update": ("PUT", "/api/v1/vacancies/{v}",
                       {k: v for k, v in vacancy_values(title="Lead").items()
                        if k != "assignee_ids"}, ANY),
    "candidates_list": ("GET", "/api/v1/vacancies/{v}/candidates", None, None),
    "candidate_create": ("POST", "/api/v1/vacancies/{v}/candidates", CANDIDATE_BODY, None),
    "candidate_show": ("GET", "/api/v1/candidates/{c}", None, None),
    "candidate_update": ("PUT", "/api/v1/candidates/{c}", CANDIDATE_BODY, ANY),
    "decision": ("POST", "/api/v1/candidates/{c}/decision", {"decision": "hired"}, None),
    "consent_request": ("POST", "/api/v1/candidates/{c}/consent-requests", None, KEY),
    "screening_start": ("POST", "/api/v1/candidates/{c}/screening-runs", None, KEY),
    "run_show": ("GET", "/api/v1/screening-runs/{r}", None, None),
    "findings": ("GET", "/api/v1/candidates/{c}/findings", None, None),
    "rights_list": ("GET", "/api/v1/rights-requests", None, None),
    "audit_verify": ("POST", "/api/v1/audit/verifications", None, None),
    "report_start": ("POST", "/api/v1/reports", {"kind": "dpia", "lang": "en", "vacancy": "{v}"},
                     KEY),
}
WHO = ("owner", "assigned", "other", "legal", "admin")
OBJECT_OPERATIONS = {"vacancy_show", "vacancy_update", "candidates_list", "candidate_create",
                     "candidate_show", "candidate_update", "decision", "consent_request",
                     "screening_start", "run_show", "findings"}
READS = {"vacancies_list", "vacancy_show", "candidates_list", "candidate_show", "run_show"}
LEGAL_OPERATIONS = {"rights_list", "audit_verify", "report_start"}
# What the owner gets when allowed: creation 201, started work 202, no consent yet 409.
ALLOWED = {"vacancy_create": 201, "candidate_create": 201, "consent_request": 202,
           "screening_start": 409}


def expected(operation: str, who: str) -> int:
    if operation in LEGAL_OPERATIONS:
        return (202 if operation == "report_start" else 200) if who == "legal" else 403
    if who == "admin":
        return 403
    if who == "legal":
        return 200 if operation in READS else 403
    if who == "other" and operation in OBJECT_OPERATIONS:
        return 404
    return ALLOWED.get(operation, 200)


CASES = [(op, who, expected(op, who)) for op in OPERATIONS for who in WHO]


@pytest.fixture
def world(db, make_user, make_vacancy, make_candidate):
    owner, assigned = make_user(Role.RECRUITER), make_user(Role.RECRUITER)
    people = {"owner": owner, "assigned": assigned, "other": make_user(Role.RECRUITER),
              "legal": make_user(Role.LEGAL), "admin": make_user(Role.ADMIN)}
    vacancy = make_vacancy(owner=owner, assignee_ids=[assigned.id])
    candidate = make_candidate(vacancy)
    make_vacancy(owner=people["other"])
    run = ScreeningRun(candidate=candidate, status=RunStatus.DONE, progress={}, counts={})
    db.session.add(run)
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    db.session.commit()
    return people, {"v": vacancy.id, "c": candidate.id, "r": run.id}


@pytest.mark.parametrize(("operation", "who", "status"), CASES,
                         ids=[f"{o}-{w}" for o, w, _ in CASES])
def test_operation_role_matrix(api, db, world, operation, who, status):
    people, ids = world
    method, path, body, headers = OPERATIONS[operation]
    caller = api(people[who])
    before = _snapshot(db)
    response = caller.open(path.format(**ids), method=method, json=_fill(body, ids),
                           headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status >= 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == status
    if status in (403, 404):
        assert _snapshot(db) == before, "a refused request changed data"
    if status == 403:
        last = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.action == AuditAction.ACCESS_DENIED


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_without_a_token_every_operation_answers_401(client, world, operation):
    _people, ids = world
    method, path, body, headers = OPERATIONS[operation]
    response = client.open(path.format(**ids), method=method, json=_fill(body, ids),
                           headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("operation", ["vacancies_list", "candidate_show", "vacancy_create"])
def test_a_logged_in_session_is_not_accepted_by_the_api(client, login, world, operation):
    people, ids = world
    method, path, body, headers = OPERATIONS[operation]
    login(people["owner"])
    response = client.open(path.format(**ids), method=method, json=_fill(body, ids),
                           headers=headers)
    assert response.status_code == 401


def test_missing_objects_answer_404_for_their_would_be_owner(api, world):
    people, _ids = world
    owner = api(people["owner"])
    for path in ("/api/v1/vacancies/999999", "/api/v1/candidates/999999",
                 "/api/v1/screening-runs/999999", "/api/v1/candidates/999999/findings"):
        assert owner.get(path).status_code == 404, path


def test_lists_hold_only_what_the_caller_may_see(api, world):
    people, ids = world
    for who, shown in [("other", False), ("assigned", True), ("owner", True), ("legal", True)]:
        listed = [v["id"] for v in api(people[who]).get("/api/v1/vacancies").get_json()]
        assert (ids["v"] in listed) is shown, who


def _fill(body, ids):
    """Put the world's ids into a body's "{v}"-style values."""
    if not isinstance(body, dict):
        return body
    return {k: v.format(**ids) if isinstance(v, str) and "{" in v else v for k, v in body.items()}
