"""Property-based tests of every operation against the OpenAPI document (schemathesis).

Generated requests must never cause a server error, and every answer must match what the
document promises: its status code, content type, headers and body schema.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.organisation import update_settings
from compliance.rights import Right
from screening.case import request_right
from screening.runs import Finding, RunStatus, ScreeningRun
from tests.conftest import vacancy_values

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
LEGAL_PATHS = {"/api/v1/rights-requests", "/api/v1/audit/verifications",
               "/api/v1/rights-requests/{request_id}/extension",
               "/api/v1/rights-requests/{request_id}/refusal",
               "/api/v1/candidates/{candidate_id}/legal-hold",
               "/api/v1/candidates/{candidate_id}/legal-hold/release"}


@pytest.fixture
def tokens(db, make_user, make_vacancy, make_candidate, token_for):
    """A small world with low ids, so that generated ids often hit real objects."""
    recruiter, legal = make_user(Role.RECRUITER), make_user(Role.LEGAL)
    vacancy = make_vacancy(owner=recruiter)
    make_vacancy(owner=recruiter, **vacancy_values(title="Data engineer"))
    candidate = make_candidate(vacancy)
    run = ScreeningRun(candidate=candidate, status=RunStatus.DONE, progress={
        "rss": {"state": "done", "posts": 2}}, counts={"rss": {
            "looked_at": 2, "shown": 1, "irrelevant": 0, "withheld": {"health": 1}}})
    db.session.add(run)
    db.session.flush()
    from compliance.db import utcnow

    db.session.add(Finding(run_id=run.id, candidate_id=candidate.id, subject=candidate.subject,
                           source_kind="rss", account="https://blog.example.org/feed",
                           url="https://blog.example.org/p/1", published=utcnow(),
                           excerpt="Shipped a Django service.", matched=["Django"]))
    request_right(make_candidate(vacancy, email="sam@example.org"), Right.RECTIFICATION)
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    db.session.commit()
    return {"recruiter": token_for(recruiter), "legal": token_for(legal)}


@pytest.fixture
def api_schema(request, app, tokens):
    # schemathesis 4.32 renames the test node through `_nodeid`, which pytest 9 no longer has.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_keeps_its_promises(case, tokens):
    who = "legal" if case.path in LEGAL_PATHS else "recruiter"
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS)


def test_the_generated_traffic_reached_real_objects(app, client, db, tokens):
    """Guard the guard: the fixtures' objects are reachable, so the property test is not 404s."""
    auth = {"Authorization": f"Bearer {tokens['recruiter']}"}
    assert client.get("/api/v1/candidates/1/findings", headers=auth).status_code == 200
    assert client.get("/api/v1/screening-runs/1", headers=auth).status_code == 200
    legal = {"Authorization": f"Bearer {tokens['legal']}"}
    assert client.get("/api/v1/rights-requests", headers=legal).get_json()
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.FINDINGS_VIEWED)) == 1
