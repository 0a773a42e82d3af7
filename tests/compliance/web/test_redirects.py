"""Open-redirect attacks on every `next` and `back` parameter: only paths on this site pass."""

from urllib.parse import quote

import pytest

from compliance.accounts import Role
from compliance.web.redirects import safe_target
from tests.conftest import PASSWORD

FALLBACK = "/home"
BYPASSES = [
    "//evil.example", "///evil.example", "////evil.example/", "//evil.example@fairscreen.test",
    "/\\evil.example", "\\/evil.example", "\\\\evil.example", "/\\/evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
    " //evil.example", "/ /evil.example", "//evil.example ", "/\x00/evil.example",
    "/\x0b/evil.example", "/\x7f/evil.example", "/\u2028/evil.example", "/\u3000/evil.example",
    "/\uff0fevil.example", "/\u2215evil.example",
    "https://evil.example", "HTTPS://evil.example/", "http:evil.example", "https:/evil.example",
    "https:\\\\evil.example", "ftp://evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "evil.example", "@evil.example", ".evil.example", "dashboard",
    "/%2F/evil.example", "/%2f%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
    "/%5c/evil.example", "/%09/evil.example", "/%0d%0a/evil.example", "/%00/evil.example",
    "", "/" + "a" * 3000,
]
GOOD = ["/", "/dashboard", "/candidates/7?tab=findings", "/legal/audit?action=login.failed&page=2",
        "/vacancies/3#criteria", "/legal/audit?since=2026-01-01%2000:00"]


@pytest.mark.parametrize("payload", BYPASSES)
def test_known_bypasses_fall_back(payload):
    assert safe_target(payload, FALLBACK) == FALLBACK


@pytest.mark.parametrize("payload", GOOD)
def test_paths_on_this_site_pass(payload):
    assert safe_target(payload, FALLBACK) == payload


@pytest.mark.parametrize("payload", [None, 7, ["/dashboard"], b"/dashboard"])
def test_anything_but_text_falls_back(payload):
    assert safe_target(payload, FALLBACK) == FALLBACK


def test_login_next_never_leaves_the_site(app, make_user):
    user = make_user(Role.RECRUITER)
    for payload in BYPASSES:
        browser = app.test_client()
        response = browser.post(f"/login?next={quote(payload, safe='')}",
                                data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response.headers["Location"] == "/dashboard", payload
        again = browser.get(f"/login?next={quote(payload, safe='')}")  # already logged in
        assert again.headers["Location"] == "/dashboard", payload
    browser = app.test_client()
    response = browser.post("/login?next=%2Fpreferences%3Ftab%3D1",
                            data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/preferences?tab=1"


def test_a_login_required_page_comes_back_after_login(client, make_user):
    user = make_user(Role.RECRUITER)
    to_login = client.get("/preferences")
    assert to_login.status_code == 302
    response = client.post(to_login.headers["Location"],
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/preferences"


def test_legal_hold_back_never_leaves_the_site(client, db, make_user, login, make_candidate):
    candidate = make_candidate()
    login(make_user(Role.LEGAL))
    for payload in BYPASSES:
        response = client.post("/legal/rights/holds", data={
            "subject_id": candidate.subject_id, "reason": "Pending court case", "back": payload})
        assert response.status_code == 302
        assert response.headers["Location"] == "/legal/rights", payload
    response = client.post("/legal/rights/holds", data={
        "subject_id": candidate.subject_id, "reason": "x", "back": f"/candidates/{candidate.id}"})
    assert response.headers["Location"] == f"/candidates/{candidate.id}"
