"""Audit trail PDFs: what they show, what they embed, and that tampering is caught."""

import json
from io import BytesIO

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from compliance import checkpoints
from compliance.accounts import Role
from compliance.reports.pdfa import attachments, conformance
from compliance.reports.signing import sign_pdf
from compliance.reports.trail import export_document, render_trail
from screening.candidates import update_candidate
from screening.reports import candidate_scope
from tests.compliance.reports.conftest import pdf_text, save_page_one


@pytest.fixture
def two_vacancies(db, make_user, make_vacancy, make_candidate):
    """Two vacancies, each with a candidate, and some history on the first candidate."""
    first, second = make_vacancy(title="Backend developer"), make_vacancy(title="Designer")
    noor = make_candidate(first, name="Noor de Vries", email="noor@example.org")
    sam = make_candidate(second, name="Sam Okafor", email="sam@example.org")
    update_candidate(noor, {"name": "Noor de Vries-Bakker", "email": "noor@example.org",
                            "language": "nl"}, actor=first.owner)
    make_user(Role.LEGAL)
    db.session.commit()
    return first, second, noor, sam


def run(runner, *args):
    return runner.invoke(args=["reports", *args], catch_exceptions=False)


def test_candidate_trail_shows_their_events_and_embeds_the_export(
        runner, signing, two_vacancies, tmp_path):
    first, _second, noor, _sam = two_vacancies
    out = tmp_path / "trail.pdf"
    result = run(runner, "audit", "--candidate", str(noor.id), "--output", str(out))
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()

    text = pdf_text(pdf)
    assert "Audit trail" in text and "Integrity verified." in text
    assert "candidate.created" in text and "candidate.updated" in text
    assert "Noor" not in text and "noor@example.org" not in text  # pseudonymous events only
    export = json.loads(attachments(pdf)["audit-export.json"])
    assert export["format"] == "fairscreen.audit-export.v1"
    assert export["filter"]["subject"] == candidate_scope(noor).subject
    shown = [e for e in export["events"] if not e.get("redacted")]
    assert {e["action"] for e in shown} == {"candidate.created", "candidate.updated"}
    assert any(e.get("redacted") for e in export["events"])  # the other candidate's events
    assert conformance(pdf) == ("3", "B")
    save_page_one(pdf, "trail-candidate")


def test_vacancy_trail_keeps_the_other_vacancy_as_digests(runner, signing, two_vacancies,
                                                          tmp_path):
    first, second, noor, sam = two_vacancies
    out = tmp_path / "vacancy.pdf"
    assert run(runner, "audit", "--vacancy", str(first.id), "--output", str(out)).exit_code == 0
    export = json.loads(attachments(out.read_bytes())["audit-export.json"])
    shown = [e for e in export["events"] if not e.get("redacted")]
    assert {e["objects"].get("candidate") for e in shown} >= {noor.id}
    assert all(e["objects"].get("vacancy") != second.id for e in shown)
    assert all(e["objects"].get("candidate") != sam.id for e in shown)
    assert run(runner, "verify", str(out)).exit_code == 0


def test_period_trail_verifies_and_is_signed(app, runner, signing, two_vacancies, tmp_path):
    out = tmp_path / "period.pdf"
    result = run(runner, "audit", "--since", "2000-01-01", "--until", "2999-12-31",
                 "--output", str(out), "--lang", "nl")
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()

    signatures = PdfFileReader(BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(str(signing.cert))])
    status = validate_pdf_signature(signatures[0], trust)
    assert status.bottom_line and status.coverage.name == "ENTIRE_FILE"

    result = run(runner, "verify", str(out))
    assert result.exit_code == 0, result.output
    assert "OK  chain" in result.output and "OK  signature" in result.output


def test_a_changed_byte_fails_verification(runner, signing, two_vacancies, tmp_path):
    out = tmp_path / "trail.pdf"
    run(runner, "audit", "--since", "2000-01-01", "--until", "2999-12-31", "--output", str(out))
    pdf = bytearray(out.read_bytes())
    where = pdf.index(b"/Producer")  # inside the signed range, not the signature itself
    pdf[where + 1] = ord("Q")
    out.write_bytes(bytes(pdf))
    result = run(runner, "verify", str(out))
    assert result.exit_code == 1
    assert "FAILED  signature" in result.output


def test_a_tampered_embedded_event_fails_the_chain_and_shows_in_red(
        app, runner, signing, two_vacancies, tmp_path):
    _first, _second, noor, _sam = two_vacancies
    scope = candidate_scope(noor)
    document = export_document(scope, actor="system")
    shown = next(e for e in document["events"] if e.get("action") == "candidate.updated")
    shown["details"]["fields"] = ["language"]  # rewrite history, then sign it anew
    pdf = sign_pdf(render_trail(document, scope, lang="en",
                                trusted_key=checkpoints.instance_public_key()), reason="test")
    assert "Integrity check FAILED." in pdf_text(pdf)
    save_page_one(pdf, "trail-tampered")
    out = tmp_path / "tampered.pdf"
    out.write_bytes(pdf)
    result = run(runner, "verify", str(out))
    assert result.exit_code == 1
    assert "OK  signature" in result.output  # the file is as signed; the chain is not
    assert f"FAILED  chain: fails at event {shown['seq']}" in result.output


def test_audit_needs_exactly_one_scope(runner, signing, tmp_path):
    result = runner.invoke(args=["reports", "audit", "--candidate", "1", "--vacancy", "2",
                                 "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    result = runner.invoke(args=["reports", "audit", "--since", "2020-01-01",
                                 "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2


def test_unknown_candidate_is_an_error_not_a_crash(runner, signing, tmp_path):
    result = runner.invoke(args=["reports", "audit", "--candidate", "999",
                                 "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "no candidate 999" in result.output


def test_a_trail_verifies_outside_the_app_from_the_pdf_alone(runner, signing, two_vacancies,
                                                             tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path / "trail.pdf"
    run(runner, "audit", "--since", "2000-01-01", "--until", "2999-12-31", "--output", str(out))
    script = ("import sys; from compliance.reports.verify import verify_pdf; "
              "r = verify_pdf(open(sys.argv[1], 'rb').read(), trusted_cert=open(sys.argv[2], "
              "'rb').read()); print([(c.name, c.ok) for c in r.checks]); sys.exit(not r.ok)")
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", script, str(out), str(signing.cert)],
                            cwd=root, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin"})  # no app config, no database
    assert result.returncode == 0, result.stderr
    assert "('chain', True)" in result.stdout


def test_an_unsigned_pdf_fails_verification(app, two_vacancies):
    from compliance.reports.verify import verify_pdf

    _first, _second, noor, _sam = two_vacancies
    scope = candidate_scope(noor)
    result = verify_pdf(render_trail(export_document(scope, actor="system"), scope, lang="en"))
    assert not result.ok
    assert result.checks[0].message == "expected one signature, found 0"
    assert [c.ok for c in result.checks[1:]] == [True, True, True]  # PDF/A, data, chain
