"""The recruiter gets no link to the unredacted original post; the candidate's own report has it."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import json

import pytest

from compliance import tokens
from compliance.api_tokens import create_token
from compliance.db import utcnow
from compliance.reports.pdfa import attachments
from compliance.tokens import Purpose
from screening.case import PORTAL_LIFETIME
from screening.runs import Finding, RunStatus, ScreeningRun
from tests.compliance.reports.conftest import pdf_text
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    app_config,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)

HOST = "unlinkable-origin.example"
URL = f"https://{HOST}/jamie/posts/distinctive-4711"


@pytest.fixture
def finding(db, case_candidate) -> Finding:
    """A finding whose original lives on a host that nothing else in the case names."""
    run = ScreeningRun(candidate=case_candidate, status=RunStatus.DONE,
                       progress={"rss": {"state": "done", "posts": 1}},
                       counts={"rss": {"looked_at": 1, "shown": 1, "irrelevant": 0,
                                       "withheld": {}, "not_assessed": 0}})
    db.session.add(run)
    db.session.flush()
    item = Finding(run_id=run.id, candidate_id=case_candidate.id,
                   subject=case_candidate.subject, source_kind="rss",
                   account="https://blog.example.org/feed", url=URL, published=utcnow(),
                   excerpt="Shipped a Django service with [person].", matched=["Django"])
    db.session.add(item)
    db.session.commit()
    return item


def test_no_recruiter_page_or_api_answer_names_the_original(client, db, login, recruiter,
                                                            case_candidate, finding):
    login(recruiter)
    candidate, vacancy = case_candidate.id, case_candidate.vacancy_id
    pages = ["/dashboard", f"/vacancies/{vacancy}", f"/candidates/{candidate}",
             f"/candidates/{candidate}/run", f"/candidates/{candidate}/findings"]
    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    calls = ["/api/v1/vacancies", f"/api/v1/vacancies/{vacancy}",
             f"/api/v1/vacancies/{vacancy}/candidates", f"/api/v1/candidates/{candidate}",
             f"/api/v1/screening-runs/{finding.run_id}",
             f"/api/v1/candidates/{candidate}/findings", "/api/openapi.json"]
    answers = {path: client.get(path) for path in pages}
    answers |= {path: client.get(path, headers={"Authorization": f"Bearer {raw}"})
                for path in calls}
    for path, answer in answers.items():
        assert answer.status_code == 200, path
        text = answer.get_data(as_text=True)
        assert URL not in text and HOST not in text, path
    shown = answers[f"/candidates/{candidate}/findings"].get_data(as_text=True)
    assert "Shipped a Django service" in shown  # the finding itself is there, only the link not
    assert "original post" not in shown
    findings = answers[f"/api/v1/candidates/{candidate}/findings"].get_json()
    assert [f["excerpt"] for f in findings] == ["Shipped a Django service with [person]."]
    assert "url" not in findings[0]
    spec = answers["/api/openapi.json"].get_json()
    finding_schema = spec["components"]["schemas"]["FindingOut"]
    assert "url" not in finding_schema["properties"]
    assert "url" not in finding_schema.get("required", [])


def test_the_candidates_own_access_report_keeps_the_original(client, db, case_candidate,
                                                             finding):
    portal = tokens.issue(case_candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    db.session.commit()
    page = client.get(f"/portal/{portal}/access").get_data(as_text=True)
    assert f'href="{URL}"' in page
    copy = client.get(f"/portal/{portal}/data.json")
    assert [f["url"] for f in json.loads(copy.data)["findings"]] == [URL]
    pdf = client.get(f"/portal/{portal}/access.pdf").data
    assert URL in pdf_text(pdf)
    embedded = json.loads(attachments(pdf)["access-report.json"])
    assert [f["url"] for f in embedded["findings"]] == [URL]
