"""Every error a candidate can meet stays in the portal's look and leads back to their page."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import pytest

from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    app_config,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)
from tests.screening.case.test_case_flow import ask_and_agree


@pytest.fixture
def portal(client, db, login, recruiter, case_candidate, blog) -> str:
    _consent, portal = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    client.post("/logout")
    client.get(portal)  # shows, and so clears, the recruiter's last messages
    return portal


def leads_home(page: str, portal: str) -> bool:
    return f'href="{portal}"' in page and "/login" not in page and 'href="/"' not in page


def test_a_missing_finding_says_so_and_leads_back(client, portal):
    response = client.post(f"{portal}/findings/999/context", data={"context": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This page does not exist." in page and "Back to your page" in page
    assert leads_home(page, portal)


def test_an_expired_form_says_what_to_do_and_leads_back(app, client, portal):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"{portal}/waive", data={"csrf_token": "stale"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "This form has expired" in page and leads_home(page, portal)


def test_addresses_no_view_answers_are_in_the_portal_s_look_too(client, portal):
    response = client.get(f"{portal}/waive")
    page = response.get_data(as_text=True)
    assert response.status_code == 405 and leads_home(page, portal)
    response = client.get(f"{portal}/nothing/here")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and leads_home(page, portal)


@pytest.mark.parametrize("app_config", [{"PORTAL_RATE_LIMIT": "2 per minute"}])
def test_too_many_requests_are_answered_in_the_candidate_s_language(client, db, portal):
    db.session.execute(db.text("UPDATE candidate SET language = 'nl'"))
    db.session.commit()
    for _ in range(2):
        client.get(portal)
    limited = client.get(portal, headers={"Accept-Language": "en"})
    page = limited.get_data(as_text=True)
    assert limited.status_code == 429
    assert "Te veel pogingen in korte tijd" in page and "/login" not in page


def test_the_consent_page_of_an_answered_request_offers_a_fresh_link(client, db, login,
                                                                     recruiter, case_candidate,
                                                                     blog):
    consent, _portal = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    response = client.get(consent)
    assert response.status_code == 404
    assert "This link no longer works" in response.get_data(as_text=True)
