"""The recruiter's decision form: no default, keeps what was chosen and written after an error,
asks for reasons beside their field, and says until when the comment window runs."""
# ruff: noqa: F811 (the API fixtures are imported, then named as test arguments)

import re
from datetime import timedelta

from compliance.db import utcnow
from screening.lifecycle import CaseState
from screening.models import Candidate
from tests.rendered import format_date
from tests.screening.api.conftest import api, token_for  # noqa: F401 (fixtures)

REASONS = "Another candidate had more experience with the patient record system."


def checked(page: str) -> list[str]:
    """Return the values of the checked decision radios on a page."""
    return re.findall(r'name="decision" value="(\w+)"\s+checked', page)


def fresh(db, candidate_id: int) -> Candidate:
    db.session.rollback()
    return db.session.get(Candidate, candidate_id)


def test_no_decision_is_chosen_until_the_recruiter_chooses(client, db, login, make_candidate):
    candidate = make_candidate()
    login(candidate.vacancy.owner)
    page = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert page.count('type="radio" id="decision-') == 3 and checked(page) == []
    assert "<select" not in page.split('id="decision"')[1].split("</form>")[0]
    response = client.post(f"/candidates/{candidate.id}/decision", data={"reasons": REASONS})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<p class="field-error" id="decision-error">' in page
    assert 'aria-describedby="decision-error"' in page and 'href="#decision"' in page
    assert REASONS in page  # what was typed is not lost
    assert fresh(db, candidate.id).state == CaseState.ADDED


def test_a_rejection_without_reasons_keeps_the_choice_and_says_so_beside_the_reasons(
        client, db, login, make_candidate):
    candidate = make_candidate()
    login(candidate.vacancy.owner)
    response = client.post(f"/candidates/{candidate.id}/decision",
                           data={"decision": "rejected", "reasons": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and checked(page) == ["rejected"]
    field = page.split('<div class="field has-error">')[1].split("</div>")[0]
    assert 'id="reasons-error"' in field and "Give the reasons for the rejection" in field
    assert 'aria-describedby="reasons-hint reasons-error"' in field


def test_a_refused_rejection_keeps_the_choice_the_reasons_and_names_the_window(
        client, db, login, make_candidate):
    candidate = make_candidate()
    candidate.notified_at = utcnow()  # told what was found just now: the window is open
    db.session.commit()
    closes = format_date(candidate.notified_at + timedelta(days=3), "long", locale="en")
    login(candidate.vacancy.owner)
    form = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "open until" in form and closes in form
    assert 'aria-describedby="decision-notice"' in form
    response = client.post(f"/candidates/{candidate.id}/decision",
                           data={"decision": "rejected", "reasons": REASONS})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and checked(page) == ["rejected"]
    assert REASONS in page and 'id="decision-error"' in page
    assert fresh(db, candidate.id).state == CaseState.ADDED


def test_a_dutch_recruiter_reads_the_window_in_dutch(client, db, login, make_candidate):
    candidate = make_candidate()
    candidate.notified_at = utcnow()
    owner = candidate.vacancy.owner
    owner.language = "nl"
    db.session.commit()
    closes = format_date(candidate.notified_at + timedelta(days=3), "long", locale="nl")
    login(owner)
    page = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "De reactietermijn van de kandidaat loopt tot" in page and closes in page
    assert "Besluit" in page


def test_a_hire_goes_through_from_the_form(client, db, login, make_candidate):
    candidate = make_candidate()
    login(candidate.vacancy.owner)
    done = client.post(f"/candidates/{candidate.id}/decision", data={"decision": "hired"})
    assert done.status_code == 302
    assert fresh(db, candidate.id).state == CaseState.DECIDED


def test_the_api_has_no_default_decision_either(db, api, make_candidate):
    candidate = make_candidate()
    missing = api(candidate.vacancy.owner).post(f"/api/v1/candidates/{candidate.id}/decision",
                                                json={"reasons": REASONS})
    assert missing.status_code == 422 and "decision" in str(missing.get_json())
    assert fresh(db, candidate.id).state == CaseState.ADDED
