"""Signing identity set-up, and that signing keeps the file PDF/A-3b."""

import stat
from io import BytesIO

from pypdf import PdfReader

from compliance.reports.records import render_record
from compliance.reports.signing import sign_pdf, signing_files
from screening.reports import dpia


def test_keys_init_creates_a_private_key_readable_by_the_owner_only(runner):
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 0, result.output
    files = signing_files()
    assert "self-signed report signing key" in result.output
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert b"BEGIN CERTIFICATE" in files.cert.read_bytes()
    before = files.key.read_bytes(), files.cert.read_bytes()

    again = runner.invoke(args=["keys", "init"])
    assert again.exit_code == 0 and "report signing" not in again.output
    assert (files.key.read_bytes(), files.cert.read_bytes()) == before


def test_init_creates_the_signing_identity_too(runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert signing_files().key.exists() and signing_files().cert.exists()


def test_reports_without_a_signing_key_say_what_to_run(runner, make_vacancy, tmp_path):
    vacancy = make_vacancy()
    result = runner.invoke(args=["reports", "dpia", "--vacancy", str(vacancy.id),
                                 "--output", str(tmp_path / "d.pdf")])
    assert result.exit_code == 1 and "keys init" in result.output


def test_signing_keeps_the_pdfa_file_intact_and_its_metadata_consistent(signing,
                                                                       make_vacancy):
    unsigned = render_record(dpia(make_vacancy()), lang="en")
    signed = sign_pdf(unsigned, reason="test")
    assert signed.startswith(unsigned)  # an incremental update: WeasyPrint's file is untouched

    reader = PdfReader(BytesIO(signed))
    xmp = reader.xmp_metadata
    assert (xmp.pdfaid_part, xmp.pdfaid_conformance) == ("3", "B")
    info = reader.metadata
    assert info["/Producer"] == xmp.pdf_producer  # PDF/A: Info and XMP must agree
    assert info["/Title"] == xmp.dc_title["x-default"]
    assert info["/Creator"] == xmp.xmp_creator_tool
    catalog = reader.trailer["/Root"]
    assert "/OutputIntents" in catalog
    for page in reader.pages:
        for annot in (a.get_object() for a in page.get("/Annots", [])):
            flags = annot["/F"]
            assert flags & 4 and not flags & 2  # printable, not hidden
            if "/AP" not in annot:  # PDF/A excuses only zero-size widgets from appearances
                assert [float(v) for v in annot["/Rect"]] == [0, 0, 0, 0]
    files = [ref.get_object() for ref in catalog["/AF"]]
    assert len(files) == 1 and files[0]["/AFRelationship"] == "/Data"
    stream = files[0]["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/json" and "/ModDate" in stream["/Params"]
    field = catalog["/AcroForm"]["/Fields"][0].get_object()
    assert field["/V"].get_object()["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES baseline
