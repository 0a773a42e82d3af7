"""One rule for reads of personal data: every endpoint is classified, and every response that
shows a candidate to staff records the read, on pages and in the API alike."""

import re

import pytest
from sqlalchemy import insert, select

from compliance import audit, outbox, reads, rights
from compliance.accounts import Role
from compliance.api_tokens import create_token
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.read_journal import JournaledRead
from screening.findings import Finding
from tests.conftest import log_in

NAME, EMAIL, EXCERPT, WROTE = ("Quirinus Zwaluwstaart", "quirinus.z@example.org",
                               "Shipped Xylophone pipelines.", "Please fix my Wobblegong")
SENTINELS = (NAME, EMAIL, EXCERPT, WROTE)
# Path parameters a GET route may need, and the values the seeded case gives them.
SKIPPED = {"token", "digest", "filename", "job_id"}  # candidates' links, files, others' jobs


def test_every_endpoint_is_either_a_read_or_exempt_with_a_reason(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = endpoints - reads.READS.keys() - reads.EXEMPT.keys()
    assert not unclassified, f"say in compliance/reads.py whether these show personal data: " \
                             f"{sorted(unclassified)}"
    assert not reads.READS.keys() & reads.EXEMPT.keys()
    assert not (reads.READS.keys() | reads.EXEMPT.keys()) - endpoints, "stale entries"
    assert all(reason.strip() for reason in [*reads.READS.values(), *reads.EXEMPT.values()])


@pytest.fixture
def case(db, make_user, make_vacancy, make_candidate):
    """A case with every kind of personal data a page can show: name, address, a finding,
    what the candidate wrote with a rights request, a message in the outbox; on legal hold,
    so that counsel may read the findings."""
    recruiter = make_user(Role.RECRUITER)
    legal = make_user(Role.LEGAL)
    admin = make_user(Role.ADMIN)
    vacancy = make_vacancy(owner=recruiter)
    candidate = make_candidate(vacancy, name=NAME, email=EMAIL)
    db.session.add(Finding(candidate_id=candidate.id, subject=candidate.subject,
                           source_kind="rss", account="https://blog.example.org/feed",
                           url="https://blog.example.org/p/1", published=utcnow(),
                           excerpt=EXCERPT, matched=["Xylophone"]))
    request = rights.request_right(candidate.subject, rights.Right.RECTIFICATION, objects={},
                                   details=WROTE)
    rights.place_hold(candidate.subject, actor=legal, reason="Dispute before the court")
    outbox.store(candidate.subject, kind="consent_request", recipient=EMAIL, title="Hello",
                 body=f"Dear {NAME},", language="en")
    db.session.commit()
    return {"candidate": candidate, "vacancy": vacancy, "request": request,
            "users": {"recruiter": recruiter, "legal": legal, "admin": admin}}


def _get_routes(app, values: dict[str, int]) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments & SKIPPED:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^:>]+:)?{name}>", str(values[name]), path)
        routes.append((rule.endpoint, path))
    return routes


def _reads_of(db, pseudonym: str) -> int:
    """Count the reads of one subject, chained or still in the journal."""
    db.session.rollback()
    chained = db.session.scalars(select(AuditEvent.seq).where(
        AuditEvent.subject == pseudonym, AuditEvent.action.in_(
            [AuditAction.PERSONAL_DATA_VIEWED, AuditAction.FINDINGS_VIEWED]))).all()
    waiting = db.session.scalars(select(JournaledRead.id).where(
        JournaledRead.subject == pseudonym)).all()
    return len(chained) + len(waiting)


def test_every_staff_response_that_shows_a_candidate_records_the_read(app, db, case):
    candidate = case["candidate"]
    pseudonym = audit.pseudonym(candidate.subject)
    values = {"candidate_id": candidate.id, "vacancy_id": case["vacancy"].id,
              "request_id": case["request"].id, "user_id": case["users"]["recruiter"].id,
              "run_id": 1}
    routes = _get_routes(app, values)
    shown_by: set[str] = set()
    for role, user in case["users"].items():
        _token, raw = create_token(user, "reads", actor=user)
        db.session.commit()
        client = app.test_client()
        assert log_in(client, user).status_code == 302
        for endpoint, path in routes:
            api = path.startswith("/api/")
            before = _reads_of(db, pseudonym)
            response = client.get(path, headers={"Authorization": f"Bearer {raw}"} if api
                                  else {})
            body = response.get_data(as_text=True)
            if not any(sentinel in body for sentinel in SENTINELS):
                continue
            shown_by.add(endpoint)
            assert endpoint in reads.READS, f"{path} shows personal data to {role} unlisted"
            assert _reads_of(db, pseudonym) > before, f"{path} showed {role} data unrecorded"
    # The walk reached the pages the rule is about (else it proves nothing).
    assert {"recruiter.dashboard", "recruiter.vacancy", "recruiter.candidate",
            "recruiter.edit_candidate", "review.run", "review.findings", "reports.index",
            "rights.case", "admin.outbox_page", "api_candidates.candidate",
            "api_vacancies.list_candidates", "api_cases.findings"} <= shown_by


def test_reads_name_the_subject_by_pseudonym_only_and_once_per_request(db, client, login,
                                                                     case):
    candidate, recruiter = case["candidate"], case["users"]["recruiter"]
    login(recruiter)
    assert client.get(f"/candidates/{candidate.id}").status_code == 200
    db.session.rollback()
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.PERSONAL_DATA_VIEWED)).all()
    assert len(events) == 1  # the page notes the candidate once however often it is drawn
    [event] = events
    assert event.subject == audit.pseudonym(candidate.subject)
    assert event.actor == f"user:{recruiter.id}" and event.objects == {"candidate": candidate.id}
    assert event.details == {"via": "page"}
    text = " ".join(e.objects_json + e.details_json + (e.subject or "")
                    for e in db.session.scalars(select(AuditEvent)))
    assert not any(s in text for s in (*SENTINELS, "Quirinus", "example.org"))


def test_counsel_sees_every_read_on_the_audit_page_even_one_not_yet_chained(db, client, login,
                                                                          case):
    candidate, legal = case["candidate"], case["users"]["legal"]
    # A read whose request found the chain busy waits in the journal for the next fold.
    db.session.execute(insert(JournaledRead.__table__).values(
        at=utcnow(), actor=f"user:{case['users']['recruiter'].id}",
        action=AuditAction.PERSONAL_DATA_VIEWED.value, subject=audit.pseudonym(
            candidate.subject), objects=f'{{"candidate":{candidate.id}}}',
        details='{"via":"page"}'))
    db.session.commit()
    login(legal)
    page = client.get("/legal/audit?action=personal_data.viewed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Personal data viewed by staff" in html
    assert f"Candidate: <code>{candidate.id}</code>" in html and "Through: a page" in html
    db.session.rollback()
    assert db.session.scalar(select(JournaledRead.id)) is None
