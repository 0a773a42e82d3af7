"""The PDFs people read: laid out so nothing collides or leaves the page."""

import subprocess

import pytest
from weasyprint import HTML

from compliance.accounts import Role
from tests.compliance.reports.conftest import ARTIFACTS
from tests.compliance.reports.layout import pages, problems
from tests.compliance.reports.reading_cases import LONG_WORD, reports

# Rendering is the same on both databases.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def made(db, signing, make_user, make_vacancy, make_candidate):
    """Every signed report about one realistic case, in English and in Dutch."""
    renders = reports(db, make_user(Role.RECRUITER), make_vacancy, make_candidate)
    return {(name, lang): render(lang) for name, render in renders.items()
            for lang in ("en", "nl")}


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
