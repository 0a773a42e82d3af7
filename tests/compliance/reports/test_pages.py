"""Legal's report pages: who may use them, background rendering with progress, the download."""

import pytest

from compliance.accounts import Role
from compliance.audit import AuditEvent
from compliance.reports import jobs
from compliance.reports.jobs import ReportJob, Stage
from compliance.reports.verify import verify_pdf


def actions(db) -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.seq)))


@pytest.fixture
def legal(make_user, login, signing):
    user = make_user(Role.LEGAL)
    login(user)
    return user


def test_legal_requests_a_trail_sees_it_done_and_downloads_it(client, db, legal,
                                                              make_candidate):
    candidate = make_candidate()
    page = client.get("/legal/reports")
    assert page.status_code == 200 and "Audit trail of a candidate" in page.text

    response = client.post("/legal/reports", data={"kind": "audit", "lang": "en",
                                                   "candidate": str(candidate.id)})
    assert response.status_code == 302
    job_page = client.get(response.headers["Location"])
    assert job_page.status_code == 200
    assert 'value="100"' in job_page.text and "Download the signed PDF" in job_page.text
    assert 'http-equiv="refresh"' not in job_page.text  # done: no more polling

    job = db.session.scalars(db.select(ReportJob)).one()
    download = client.get(f"/legal/reports/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].endswith(
        f"fairscreen-audit-candidate{candidate.id}.pdf")
    assert verify_pdf(download.data).ok
    assert actions(db)[-4:] == ["report.requested", "audit.exported", "report.generated",
                                "report.downloaded"]


def test_a_queued_job_shows_its_progress_and_refreshes(client, db, legal):
    job = ReportJob(id="a" * 32, kind="ropa", params_json="{}", lang="en",
                    requested_by=legal.id, stage=Stage.QUEUED, progress=0)
    db.session.add(job)
    jobs.advance(job, Stage.RENDERING)
    page = client.get(f"/legal/reports/{job.id}")
    assert 'value="30"' in page.text and 'http-equiv="refresh"' in page.text
    assert client.get(f"/legal/reports/{job.id}/download").status_code == 404


@pytest.mark.parametrize("form", [
    {"kind": "audit", "lang": "en"},
    {"kind": "audit", "lang": "en", "candidate": "1", "vacancy": "1"},
    {"kind": "access", "lang": "en"},
    {"kind": "dpia", "lang": "en"},
    {"kind": "audit", "lang": "en", "since": "2026-02-01", "until": "2026-01-01"},
    {"kind": "shred", "lang": "en"},
])
def test_incomplete_requests_are_refused_with_a_message(client, db, legal, form):
    response = client.post("/legal/reports", data=form)
    assert response.status_code == 422
    assert db.session.scalars(db.select(ReportJob)).first() is None


def test_unknown_candidate_is_404(client, legal):
    response = client.post("/legal/reports", data={"kind": "access", "lang": "en",
                                                   "candidate": "999"})
    assert response.status_code == 404


def test_another_users_job_is_404(client, db, legal, make_user):
    other = make_user(Role.LEGAL)
    job = ReportJob(id="b" * 32, kind="ropa", params_json="{}", lang="en",
                    requested_by=other.id, stage=Stage.DONE, progress=100, pdf=b"%PDF")
    db.session.add(job)
    db.session.commit()
    assert client.get(f"/legal/reports/{job.id}").status_code == 404
    assert client.get(f"/legal/reports/{job.id}/download").status_code == 404


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.ADMIN])
def test_other_roles_are_refused_and_audited(client, db, make_user, login, role):
    login(make_user(role))
    assert client.get("/legal/reports").status_code == 403
    assert client.post("/legal/reports", data={"kind": "ropa", "lang": "en"}).status_code == 403
    assert actions(db)[-1] == "access.denied"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/legal/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_failing_render_ends_the_job_as_failed(client, db, legal, monkeypatch, caplog):
    import screening.reports

    def broken(*args, **kwargs):
        raise RuntimeError("secret personal detail")

    monkeypatch.setattr(screening.reports, "build_report", broken)
    response = client.post("/legal/reports", data={"kind": "ropa", "lang": "en"})
    page = client.get(response.headers["Location"])
    assert "could not be made" in page.text
    assert db.session.scalars(db.select(ReportJob.stage)).one() == Stage.FAILED
    assert "secret personal detail" not in caplog.text


def test_a_kept_access_report_is_sealed_and_dies_with_its_subject(client, db, legal,
                                                                  make_candidate):
    from compliance import rights
    from compliance.erasure import erase_subject
    from compliance.subjects import RetentionReason

    candidate = make_candidate(name="Noor de Vries")
    form = {"kind": "access", "lang": "en", "candidate": str(candidate.id)}
    # Counsel reads findings only for a rights request (or a legal hold) that needs them.
    refused = client.post("/legal/reports", data=form)
    assert refused.status_code == 422 and "open rights request" in refused.text
    assert db.session.scalars(db.select(ReportJob)).first() is None
    rights.request_right(candidate.subject, rights.Right.RECTIFICATION, objects={})
    db.session.commit()
    response = client.post("/legal/reports", data=form)
    job = db.session.scalars(db.select(ReportJob)).one()
    assert job.key_id == candidate.subject.key_id
    assert b"%PDF" not in job.pdf and b"Noor" not in job.pdf
    download = client.get(f"/legal/reports/{job.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")

    erase_subject(candidate.subject, actor="system", reason=RetentionReason.ERASURE_REQUESTED)
    db.session.commit()
    assert client.get(f"/legal/reports/{job.id}/download").status_code == 404
    assert client.get(response.headers["Location"]).status_code == 200


def test_kept_reports_expire_after_a_day(client, db, legal, app):
    from datetime import timedelta

    from compliance.db import utcnow

    client.post("/legal/reports", data={"kind": "ropa", "lang": "en"})
    job = db.session.scalars(db.select(ReportJob)).one()
    assert jobs.expire_reports() == 0
    job.finished_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert jobs.expire_reports() == 1
    assert client.get(f"/legal/reports/{job.id}/download").status_code == 404
    assert "no longer kept" in client.get(f"/legal/reports/{job.id}").text


def test_three_audit_trails_are_three_distinct_rows(client, db, legal, make_candidate):
    """The reports list named a report by its kind only: trails of a candidate, a vacancy and
    a period read as three identical rows. Each row now says what its report covers."""
    candidate = make_candidate()
    for target in ({"candidate": str(candidate.id)}, {"vacancy": str(candidate.vacancy_id)},
                   {"since": "2026-01-01", "until": "2026-01-31"}):
        assert client.post("/legal/reports", data={"kind": "audit", "lang": "en",
                                                   **target}).status_code == 302
    page = client.get("/legal/reports").get_data(as_text=True)
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    assert len(rows) == 3 and len(set(rows)) == 3
    covers = [row.split("<td>")[2].split("</td>")[0] for row in rows]
    assert sorted(covers) == sorted([
        f"candidate {candidate.id}", "vacancy \u201cBackend developer\u201d",
        "January 1, 2026 to January 31, 2026"])
