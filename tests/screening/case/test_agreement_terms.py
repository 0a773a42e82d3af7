"""Runs keep to the criteria and sources the candidate agreed to; changing them asks again."""

from compliance.api_tokens import create_token
from screening.lifecycle import CaseState
from screening.models import Candidate
from screening.runs import ScreeningRun
from screening.vacancies import update_vacancy, vacancy_form_values
from tests.screening.case.test_case_flow import ask_and_agree, links

AGREED = ["Python", "Django", "PostgreSQL", "pytest"]


def runs(db) -> list[ScreeningRun]:
    db.session.rollback()
    return list(db.session.scalars(db.select(ScreeningRun).order_by(ScreeningRun.id)))


def test_a_run_uses_the_agreed_terms_until_the_candidate_agrees_again(
        client, db, login, recruiter, case_candidate, blog):
    cid = case_candidate.id
    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    unchanged = client.post(f"/api/v1/candidates/{cid}/consent-requests",
                            headers={**headers, "Idempotency-Key": "ask-again"})
    assert unchanged.status_code == 409  # nothing changed: no new agreement to ask for

    vacancy = db.session.get(Candidate, cid).vacancy
    update_vacancy(vacancy, {**vacancy_form_values(vacancy), "criteria": ["Rust"],
                             "allowed_sources": ["rss", "github", "x-archive", "mastodon"]},
                   actor=recruiter)
    db.session.commit()
    page = client.get(f"/candidates/{cid}").get_data(as_text=True)
    assert "changed after the candidate agreed" in page and "Ask for a new agreement" in page
    shown = client.get(f"/api/v1/candidates/{cid}", headers=headers).get_json()
    assert shown["needs_agreement"] and "ask_consent" in shown["allowed_actions"]

    client.post(f"/candidates/{cid}/screening")
    first = runs(db)[-1]
    assert first.agreed["criteria"] == AGREED and "mastodon" not in first.agreed["sources"]
    findings = client.get(f"/api/v1/candidates/{cid}/findings", headers=headers).get_json()
    assert findings and "Django" in findings[0]["matched"]  # matched on the agreed criteria

    assert client.post(f"/candidates/{cid}/consent-request").status_code == 302
    assert db.session.get(Candidate, cid).state == CaseState.CONSENT_REQUESTED
    form = {"agree-rss": "yes", "account-rss": blog, "agree-github": "no",
            "agree-x-archive": "no", "agree-mastodon": "no"}
    assert client.post(links(db, "consent_request")["consent"], data=form).status_code == 302
    shown = client.get(f"/api/v1/candidates/{cid}", headers=headers).get_json()
    assert not shown["needs_agreement"] and shown["state"] == "consented"
    client.post(f"/candidates/{cid}/screening")
    second = runs(db)[-1]
    assert second.id != first.id and second.agreed["criteria"] == ["Rust"]
    assert client.get(f"/api/v1/candidates/{cid}/findings", headers=headers).get_json() == []
