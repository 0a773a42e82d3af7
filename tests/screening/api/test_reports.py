"""Reports through the API: legal starts one, follows it, fetches and verifies the PDF."""

from compliance.accounts import Role
from compliance.reports.verify import verify_pdf

KEY = {"Idempotency-Key": "report-1"}


def test_legal_gets_a_signed_access_report_through_the_api(api, make_user, make_candidate,
                                                           report_signing_identity):
    from compliance import rights
    from compliance.db import db

    legal = make_user(Role.LEGAL)
    candidate = make_candidate()
    body = {"kind": "access", "lang": "en", "candidate": candidate.id}
    refused = api(legal).post("/api/v1/reports", json=body, headers={"Idempotency-Key": "r0"})
    assert refused.status_code == 403  # no rights request or legal hold needs the findings
    rights.place_hold(candidate.subject, actor=legal, reason="Pending dispute")
    db.session.commit()
    started = api(legal).post("/api/v1/reports", json=body, headers=KEY)
    assert started.status_code == 202, started.get_json()
    job = api(legal).get(started.headers["Location"]).get_json()
    assert job["stage"] == "done" and job["progress"] == 100 and job["pdf_url"]
    pdf = api(legal).get(job["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert verify_pdf(pdf.data, trusted_cert=report_signing_identity.cert.read_bytes()).ok
    replay = api(legal).post("/api/v1/reports", json=body, headers=KEY)
    assert replay.get_json()["id"] == started.get_json()["id"]


def test_reports_answer_problems_for_bad_requests(api, make_user):
    legal = make_user(Role.LEGAL)
    missing = api(legal).post("/api/v1/reports", json={"kind": "access", "lang": "en",
                                                       "candidate": 999999}, headers=KEY)
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    bad = api(legal).post("/api/v1/reports", json={"kind": "audit", "lang": "en"},
                          headers={"Idempotency-Key": "report-2"})
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]


def test_one_legal_user_cannot_see_anothers_report(api, make_user):
    first, second = make_user(Role.LEGAL), make_user(Role.LEGAL)
    started = api(first).post("/api/v1/reports", json={"kind": "ropa", "lang": "nl"},
                              headers=KEY)
    assert api(second).get(started.headers["Location"]).status_code == 404
    assert api(second).get(started.headers["Location"] + "/pdf").status_code == 404
