"""Every page, PDF and e-mail of a case, walked in English and Dutch: words from the catalogue,
no raw enum value, no notice version, no ISO timestamp, no developer message."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import io

import pytest
from weasyprint import HTML

from compliance import rights
from compliance.accounts import Role
from compliance.outbox import OutboxMessage
from screening.models import Candidate
from screening.runs import Finding
from tests.conftest import log_in
from tests.rendered import offences, page_texts, pdf_texts
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    app_config,
    blog,
    organisation,
    recruiter,
    server,
)
from tests.screening.case.test_case_flow import links
from tests.screening.sources.conftest import recorded

ENGLISH_ONLY = ["cannot be empty or contain spaces", "not a recognised export", "[person]",
                "Consent given", "Generated", "(UTC)"]
# The candidate reads "je" and "akkoord" (the talent pool alone is "toestemming"); staff read "u".
NOT_FOR_CANDIDATES = ["toestemming gaf", "uitdrukkelijke toestemming", " uw ", " u "]
NOT_FOR_STAFF = [" je ", " jij ", " jouw ", " Je "]
STAFF_PAGES = ("recruiter's", "dashboard", "legal ", "counsel's", "users", "outbox", "settings",
               "preferences", "mail staff_")


def _clean(texts: list[str], language: str, where: str) -> None:
    found = offences(texts, language)
    assert not found, f"{where}: {found}"
    if language == "nl":
        joined = " " + " ".join(texts) + " "
        # The outbox shows the candidates' own e-mails, in the words they were written in.
        staff = NOT_FOR_STAFF if where != "outbox" else []
        wrong = ENGLISH_ONLY + (staff if where.startswith(STAFF_PAGES) else NOT_FOR_CANDIDATES)
        bad = [w for w in wrong if w in joined]
        assert not bad, f"{where}: {bad}"


@pytest.fixture
def walked(app, client, db, login, recruiter, make_vacancy, make_candidate, make_user, blog,
           request):
    """Take a candidate through consent, a screening, an upload and an objection, in one
    language, and collect every page, PDF and e-mail they and the staff see on the way."""
    language = request.param
    recruiter.language = language
    vacancy = make_vacancy(owner=recruiter, lookback_years=10,
                           criteria=["Python", "Django", "PostgreSQL", "pytest", "JavaScript"],
                           allowed_sources=["rss", "github", "x-archive"])
    candidate = make_candidate(vacancy, name="Jamie Jansen", email="jamie@example.org",
                               language=language)
    db.session.commit()
    seen: dict[str, str] = {}
    login(recruiter)
    client.post(f"/candidates/{candidate.id}/consent-request")
    consent = links(db, "consent_request")["consent"]
    seen["consent page"] = client.get(consent).get_data(as_text=True)
    refused = client.post(consent, data={"agree-rss": "yes", "account-rss": "two words",
                                         "agree-github": "yes", "account-github": "-bad-",
                                         "agree-x-archive": "no"})
    assert refused.status_code == 422
    seen["consent page with errors"] = refused.get_data(as_text=True)
    answer = client.post(consent, data={"agree-rss": "yes", "account-rss": blog,
                                        "agree-github": "no", "agree-x-archive": "yes",
                                        "talent_pool": "1"})
    assert answer.status_code == 302
    portal = answer.headers["Location"]
    client.post(f"/candidates/{candidate.id}/screening")
    db.session.rollback()
    # As the redaction writes it (screening.classifier.redaction), with hostile markup around.
    finding = db.session.scalars(db.select(Finding)).first()
    finding.excerpt = "Reviewed by [person] <b>today</b>, thanks [person]'s team."
    db.session.commit()
    upload = client.post(f"{portal}/upload", data={
        "kind": "x-archive", "export": (io.BytesIO(b"PK\x03\x04garbage"), "archive.zip")},
        content_type="multipart/form-data")
    seen["portal with an upload error"] = upload.get_data(as_text=True)
    client.post(f"{portal}/upload", data={"kind": "x-archive", "export": (
        io.BytesIO(recorded("twitter/andreruffert-tweets.js")), "tweets.js")},
        content_type="multipart/form-data")
    for name, path in [("portal", portal), ("access report", f"{portal}/access"),
                       ("erasure confirmation", f"{portal}/rights/erasure"),
                       ("objection confirmation", f"{portal}/rights/objection"),
                       ("withdrawal", f"{portal}/withdraw"),
                       ("recruiter's candidate page", f"/candidates/{candidate.id}"),
                       ("recruiter's findings", f"/candidates/{candidate.id}/findings"),
                       ("recruiter's run", f"/candidates/{candidate.id}/run"),
                       ("recruiter's vacancy", f"/vacancies/{vacancy.id}"),
                       ("dashboard", "/dashboard")]:
        response = client.get(path)
        assert response.status_code == 200, name
        seen[name] = response.get_data(as_text=True)
    pdf = client.get(f"{portal}/access.pdf").data
    counsel = make_user(Role.LEGAL)
    counsel.language = language
    db.session.commit()
    staff = app.test_client()
    assert log_in(staff, counsel).status_code == 302
    held = staff.post("/legal/rights/holds", data={"subject_id": candidate.subject_id,
                                                    "reason": "Pending court case"})
    assert held.status_code == 302, held.get_data(as_text=True)[:2000]
    objection = client.post(f"{portal}/rights", data={"right": "objection", "confirm": "yes",
                                                      "grounds": "Not relevant to the job."})
    assert objection.status_code == 302
    db.session.rollback()
    assert rights.pending(db.session.get(Candidate, candidate.id).subject)
    for name, path in [("portal with a waiting request", portal),
                       ("access report with a waiting request", f"{portal}/access"),
                       ("legal rights", "/legal/rights"), ("legal retention", "/legal/retention"),
                       ("legal audit", "/legal/audit"), ("legal integrity", "/legal/integrity"),
                       ("legal reports", "/legal/reports"), ("counsel's candidate page",
                                                             f"/candidates/{candidate.id}")]:
        response = (client if path.startswith("/portal") else staff).get(path)
        assert response.status_code == 200, name
        seen[name] = response.get_data(as_text=True)
    admin = make_user(Role.ADMIN)
    admin.language = language
    db.session.commit()
    staff = app.test_client()
    assert log_in(staff, admin).status_code == 302
    for name, path in [("users", "/admin/users"), ("outbox", "/admin/outbox"),
                       ("settings", "/admin/settings"), ("preferences", "/preferences")]:
        response = staff.get(path)
        assert response.status_code == 200, name
        seen[name] = response.get_data(as_text=True)
    mails = {f"mail {m.kind}": f"{m.title}\n{m.body}"
             for m in db.session.scalars(db.select(OutboxMessage))}
    return language, seen, pdf, mails


@pytest.mark.parametrize("walked", ["nl", "en"], indirect=True)
def test_every_page_pdf_and_mail_is_in_words(walked):
    language, seen, pdf, mails = walked
    for name, html in seen.items():
        assert f'<html lang="{language}">' in html, name
        _clean(page_texts(html), language, name)
    _clean(pdf_texts(pdf), language, "access report PDF")
    for name, text in mails.items():
        _clean(text.splitlines(), language, name)
    assert "[persoon]" in " ".join(pdf_texts(pdf)) if language == "nl" else "[person]" in " ".join(
        pdf_texts(pdf))
    if language == "nl":
        errors = seen["consent page with errors"]
        assert "Vul het account in, zonder spaties." in errors
        assert "Een GitHub-accountnaam heeft hoogstens 39 letters" in errors
        assert "Het ZIP-bestand kan niet worden geopend" in seen["portal with an upload error"] \
            or "het ZIP-bestand kan niet worden geopend" in seen["portal with an upload error"]
        for name in ("portal", "access report", "recruiter's findings"):
            assert "Reviewed by [persoon] &lt;b&gt;today&lt;/b&gt;, thanks [persoon]&#39;s team." \
                in seen[name], name
        assert "akkoord" in seen["consent page"] and "gerechtvaardigd belang" in seen[
            "consent page"]


# A published consent notice's version, a state and an ISO timestamp, as a careless template
# would print them.
PLANTED = ["screened", "consent-notice/1/nl", "x-archive", "2026-12-04T17:44:04.091524+00:00",
           "on_hold"]


@pytest.mark.parametrize("walked", ["nl"], indirect=True)
def test_the_walk_fails_on_a_planted_code_or_timestamp(walked):
    _language, seen, _pdf, _mails = walked
    page = seen["access report"]
    for planted in PLANTED:
        html = page.replace("</main>", f"<p>Status: <span>{planted}</span></p></main>")
        assert offences(page_texts(html), "nl"), planted
        pdf = HTML(string=f"<p>Bron X/Twitter-archief</p><table><tr><td>{planted}</td>"
                          f"<td>4 december 2026</td></tr></table>").write_pdf()
        assert offences(pdf_texts(pdf), "nl"), planted
    # A plain English value inside a Dutch sentence is a code too; "screening" is Dutch as well.
    assert offences(["De status is given sinds gisteren."], "nl")
    assert not offences(["De screening is klaar op 4 december 2026 om 17:44 uur."], "nl")
