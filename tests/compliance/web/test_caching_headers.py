"""No copy of a page with personal data in any cache, and https only once https is used."""

import pytest

from compliance.accounts import Role
from compliance.organisation import update_settings
from screening.case import request_consent
from tests.screening.case.test_case_flow import links


@pytest.fixture
def candidate_links(db, make_candidate) -> dict[str, str]:
    """A candidate asked for consent: their consent and portal links, as the e-mail has them."""
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1, Amsterdam",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    candidate = make_candidate()
    request_consent(candidate, actor=candidate.vacancy.owner)
    db.session.commit()
    return links(db, "consent_request")


def test_every_candidate_page_and_download_is_no_store(client, candidate_links):
    consent, portal = candidate_links["consent"], candidate_links["portal"]
    pages = [consent, portal, f"{portal}/access", f"{portal}/withdraw", f"{portal}/data.json",
             f"{portal}/access.pdf"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    for path in ["/portal/not-a-token", "/consent/not-a-token", "/portal/not-a-token/data.json",
                 "/portal/not-a-token/access.pdf"]:
        response = client.get(path)
        assert response.status_code == 404 and response.headers["Cache-Control"] == "no-store"
    answer = client.post(consent, data={"agree-rss": "no", "agree-github": "no"})
    assert answer.status_code in (200, 302) and answer.headers["Cache-Control"] == "no-store"


def test_staff_pages_are_no_store_logged_in_or_not(client, make_user, login, make_vacancy,
                                                   make_candidate):
    recruiter = make_user(Role.RECRUITER)
    candidate = make_candidate(make_vacancy(owner=recruiter))
    for path in ["/login", "/dashboard", "/preferences", "/no-such-page"]:
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    login(recruiter)
    for path in ["/dashboard", "/preferences", f"/candidates/{candidate.id}"]:
        response = client.get(path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_static_assets_stay_cacheable(client):
    with client.get("/static/style.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://fairscreen.example")
    value = response.headers["Strict-Transport-Security"]
    assert int(value.split("max-age=")[1].split(";")[0]) >= 31536000


@pytest.mark.parametrize("app_config", [{"PUBLIC_URL": "https://fairscreen.example"}])
def test_hsts_behind_a_proxy_that_ends_tls(client):
    """The proxy speaks http to the app; the configured public address says https."""
    with client.get("/static/style.css") as response:
        assert "max-age=" in response.headers["Strict-Transport-Security"]
