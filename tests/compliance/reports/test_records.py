"""The access report, the record of processing and the DPIA: content, data, signature."""

import json
from datetime import UTC, datetime

from compliance.reports.pdfa import attachments, conformance
from compliance.reports.records import Consent, Finding, View, render_record
from compliance.reports.signing import certificate_pem
from compliance.reports.verify import verify_pdf
from screening.reports import access_report
from tests.compliance.reports.conftest import pdf_text, save_page_one


def test_access_report_lists_what_is_held_and_what_the_caller_passes(app, make_candidate):
    candidate = make_candidate(name="Noor de Vries", email="noor@example.org", language="nl")
    report = access_report(candidate, actor="candidate")
    report.consents = [Consent("github", "given", datetime(2026, 11, 2, 9, 30, tzinfo=UTC))]
    report.findings = [Finding("github", "https://github.com/noor/parser", None,
                               "Wrote a Python parser for [person] and her team.", ["Python"],
                               comment="This was a university project.")]
    report.views = [View("recruiter 3", datetime(2026, 11, 3, 14, 0, tzinfo=UTC), "findings")]
    report.withheld = 2
    pdf = render_record(report, lang="en")

    text = pdf_text(pdf)
    for expected in ("Access report (Art. 15 GDPR)", "Noor de Vries", "noor@example.org",
                     "Check published work.", "Interview only.", "GitHub", "[person]",
                     "This was a university project.", "Recruiter 3",
                     "November 3, 2026 at 3:00",  # 14:00 UTC, read in Amsterdam
                     "2 posts were withheld", "Autoriteit Persoonsgegevens"):
        assert expected in text, expected
    data = json.loads(attachments(pdf)["access-report.json"])
    assert data["format"] == "fairscreen.access-report.v1"
    assert ["email", "noor@example.org"] in data["personal_data"]
    assert data["findings"][0]["comment"] == "This was a university project."
    assert data["vacancy"]["legal_basis"]["article"] == "Art. 6(1)(f)"
    assert conformance(pdf) == ("3", "B")
    save_page_one(pdf, "access-report")


def test_access_report_with_nothing_found_says_so(app, make_candidate):
    text = pdf_text(render_record(access_report(make_candidate(), actor="candidate"), lang="en"))
    assert "No findings are held about you." in text
    assert "Nobody has viewed findings about you." in text


def test_ropa_and_dpia_from_the_cli_verify(runner, signing, make_vacancy, tmp_path):
    vacancy = make_vacancy(title="Data engineer", criteria=["SQL", "Airflow"])
    ropa, dpia = tmp_path / "ropa.pdf", tmp_path / "dpia.pdf"
    assert runner.invoke(args=["reports", "ropa", "--output", str(ropa)]).exit_code == 0
    result = runner.invoke(args=["reports", "dpia", "--vacancy", str(vacancy.id),
                                 "--output", str(dpia), "--lang", "nl"])
    assert result.exit_code == 0, result.output

    assert "Data engineer" in pdf_text(ropa.read_bytes())
    assert "Art. 30" in pdf_text(ropa.read_bytes())
    dpia_text = pdf_text(dpia.read_bytes())
    assert "SQL, Airflow" in dpia_text and "Check published work." in dpia_text
    for path in (ropa, dpia):
        result = verify_pdf(path.read_bytes(), trusted_cert=certificate_pem())
        assert result.ok, result.checks
        assert [c.name for c in result.checks] == ["signature", "pdf/a", "data"]
    save_page_one(dpia.read_bytes(), "dpia")
    save_page_one(ropa.read_bytes(), "ropa")


def test_access_from_the_cli_audits_the_report_without_personal_data(
        runner, signing, db, make_candidate, tmp_path):
    from compliance.audit import AuditEvent

    candidate = make_candidate(name="Noor de Vries", email="noor@example.org")
    out = tmp_path / "access.pdf"
    result = runner.invoke(args=["reports", "access", "--candidate", str(candidate.id),
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "report.generated")).one()
    assert event.objects == {"candidate": candidate.id}
    assert event.details["kind"] == "access-report"
    assert "Noor" not in event.details_json and "noor@" not in event.details_json
    assert "Noor" not in result.output


def test_a_pdf_signed_by_another_certificate_is_not_trusted(app, signing, make_vacancy,
                                                            tmp_path):
    from compliance.reports.signing import SigningFiles, create_self_signed, sign_pdf
    from screening.reports import dpia

    other = SigningFiles(tmp_path / "k.pem", tmp_path / "c.pem")
    create_self_signed(other, "Impostor")
    pdf = sign_pdf(render_record(dpia(make_vacancy()), lang="en"), reason="x", files=other)
    result = verify_pdf(pdf, trusted_cert=certificate_pem())
    assert not result.ok
    assert result.checks[0].message == "the signer is not the trusted certificate"


def test_the_portal_api_renders_the_access_report_in_the_candidates_language(
        signing, db, make_candidate):
    from compliance import audit
    from compliance.audit import AuditEvent
    from compliance.db import utcnow
    from screening.reports import access_report_pdf
    from screening.runs import Finding as StoredFinding

    candidate = make_candidate(language="nl")
    db.session.add(StoredFinding(candidate_id=candidate.id, subject=candidate.subject,
                                 source_kind="rss", account="https://blog.example/feed",
                                 url="https://blog.example/p", published=utcnow(),
                                 excerpt="Flask talk", matched=["Flask"],
                                 context="I gave it twice"))
    db.session.commit()
    pdf = access_report_pdf(candidate, actor="candidate")
    db.session.commit()
    assert "I gave it twice" in pdf_text(pdf)
    assert "Flask talk" in pdf_text(pdf)
    assert verify_pdf(pdf, trusted_cert=certificate_pem()).ok
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.actor) == ("report.generated", "candidate")
    assert event.subject == audit.pseudonym(candidate.subject)
    assert event.details["lang"] == "nl"
