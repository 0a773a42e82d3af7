"""The PDFs people read: laid out so nothing collides or leaves the page, and tagged for screen
readers in the reader's language, with a translated title; signing still verifies."""

import subprocess
from io import BytesIO

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from compliance.accounts import Role
from compliance.reports.pdfa import conformance
from compliance.reports.signing import certificate_pem
from compliance.reports.verify import verify_pdf
from screening.reports import access_report_pdf
from tests.compliance.reports.conftest import ARTIFACTS
from tests.compliance.reports.layout import pages, problems
from tests.compliance.reports.reading_cases import LONG_WORD, case, reports

# Rendering is the same on both databases.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

TITLES = {
    "access": {"en": "Access report (Art. 15 GDPR)", "nl": "Inzageverslag (art. 15 AVG)"},
    "trail": {"en": "Audit trail", "nl": "Audittrail"},
    "trail-period": {"en": "Audit trail", "nl": "Audittrail"},
    "ropa": {"en": "Record of processing activities (Art. 30 GDPR)",
             "nl": "Register van verwerkingsactiviteiten (art. 30 AVG)"},
    "dpia": {"en": "Data protection impact assessment: starting point",
             "nl": "Gegevensbeschermingseffectbeoordeling (DPIA): aanzet"},
}


# What `made` rendered and the certificate that signed it, kept for the module's other tests in
# this process.
_RENDERED: dict[str, object] = {}


@pytest.fixture
def made(db, signing, make_user, make_vacancy, make_candidate):
    """Every signed report about one realistic case, in English and in Dutch.

    Rendered once per test process (ten seconds): three tests read the same PDFs. Each test's
    instance has its own signing identity, so they are verified against `signer`."""
    if not _RENDERED:
        renders = reports(db, make_user(Role.RECRUITER), make_vacancy, make_candidate)
        _RENDERED["pdfs"] = {(name, lang): render(lang) for name, render in renders.items()
                             for lang in ("en", "nl")}
        _RENDERED["certificate"] = certificate_pem()
    return dict(_RENDERED["pdfs"])


@pytest.fixture
def signer(made) -> bytes:
    """The certificate that signed the PDFs `made` returns."""
    return _RENDERED["certificate"]


def save_pages(pdf: bytes, name: str) -> None:
    """Write the PDF and a PNG per page into test-artifacts/reading/ for a human to look at."""
    folder = ARTIFACTS / "reading"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(folder / f"{name}.pdf"),
                    str(folder / name)], check=True, timeout=120)


def test_no_word_collides_with_another_or_leaves_the_page(made, database_url):
    for (name, lang), pdf in made.items():
        save_pages(pdf, f"{name}-{lang}")
        assert problems(pdf) == [], f"{name} in {lang}"
    # The case is as long as it claims: the words that used to collide or overflow are in it.
    dutch = " ".join(w.text for page in pages(made["access", "nl"]) for w in page.words)
    assert "Verwerkingsverantwoordelijke" in dutch and LONG_WORD[:30] in dutch


def test_every_report_is_tagged_titled_and_in_the_readers_language(made, signer,
                                                                    database_url):
    for (name, lang), pdf in made.items():
        where = f"{name} in {lang}"
        reader = PdfReader(BytesIO(pdf))
        catalog = reader.trailer["/Root"]
        assert catalog["/MarkInfo"]["/Marked"].value is True, where
        assert "/StructTreeRoot" in catalog, where
        assert catalog["/Lang"] == lang, where
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True, where
        assert reader.metadata.title == TITLES[name][lang], where
        assert reader.xmp_metadata.dc_title["x-default"] == TITLES[name][lang], where
        kinds = structure_kinds(catalog["/StructTreeRoot"])
        assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD"} <= kinds, where
        assert conformance(pdf) == ("3", "B"), where  # still the archival level verifiers check
        result = verify_pdf(pdf, trusted_cert=signer)
        assert result.ok, (where, result.checks)
    trail = verify_pdf(made["trail", "nl"], trusted_cert=signer)
    assert [c.name for c in trail.checks] == ["signature", "pdf/a", "data", "chain"]


def test_label_and_value_pairs_are_table_rows_whose_cells_name_their_label(made, database_url):
    catalog = PdfReader(BytesIO(made["access", "nl"])).trailer["/Root"]
    headers = {}
    cells = []
    for element in structure_elements(catalog["/StructTreeRoot"]):
        if element.get("/S") == "/TH" and "/ID" in element:
            headers[element["/ID"]] = element
        if element.get("/S") == "/TD":
            cells.append(element)
    # Every cell of the label/value tables and of the tables with column headings is read with
    # its header(s).
    assert cells and all(c["/A"]["/Headers"] for c in cells)
    assert all(h in headers for c in cells for h in c["/A"]["/Headers"])


def test_the_access_report_is_in_the_candidates_language_unless_asked(
        db, signing, make_user, make_vacancy, make_candidate, database_url):
    _vacancy, candidate = case(db, make_user(Role.RECRUITER), make_vacancy, make_candidate)
    assert candidate.language == "nl"
    pdf = access_report_pdf(candidate, actor="candidate")
    reader = PdfReader(BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert reader.metadata.title == "Inzageverslag (art. 15 AVG)"
    english = PdfReader(BytesIO(access_report_pdf(candidate, actor="candidate", lang="en")))
    assert english.trailer["/Root"]["/Lang"] == "en"


def test_the_layout_check_sees_a_label_running_into_its_value_and_text_off_the_page(
        database_url):
    page = "<style>@page { size: A4; margin: 18mm 15mm } body { font: 9pt sans-serif }</style>"
    # The old label column: a fixed 50mm that a Dutch compound overflows into its value.
    runs_into = HTML(string=f"""{page}<dl style="display: grid;
        grid-template-columns: 20mm 1fr; margin: 0"><dt style="font-weight: bold">
        Verwerkingsverantwoordelijke</dt><dd style="margin: 0">Acme B.V.</dd></dl>""")
    found = problems(runs_into.write_pdf())
    assert any("'Verwerkingsverantwoordelijke' overlaps 'Acme'" in p for p in found), found

    cut = HTML(string=f"{page}<p>{'eyJhbGciOiJFZERTQSJ9' * 8}</p>").write_pdf()
    assert any("leaves the margins" in p for p in problems(cut))

    beyond = HTML(string=f"""{page}<p>Kept</p>
        <p style="position: absolute; left: 240mm; top: 20mm">Gone</p>""").write_pdf()
    assert any("4 characters lie off the page" in p for p in problems(beyond))

    assert problems(HTML(string=f"{page}<p>Fine</p><p>Also fine</p>").write_pdf()) == []


def structure_elements(node):
    """Walk the structure tree, yielding every structure element dictionary."""
    seen = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if hasattr(item, "idnum"):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, dict):
            if item.get("/Type") == "/StructElem":
                yield item
            kids = item.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])


def structure_kinds(root) -> set[str]:
    return {element["/S"] for element in structure_elements(root)}
