"""Case and run states are badges on the dashboard, the vacancy page and the candidate page:
each badge says its state in words from screening/labels.py; its tone only repeats them."""

import re

import pytest

from screening.labels import CASE_STATES, RUN_STATUSES, badge
from screening.lifecycle import Action, CaseState, move
from screening.runs import RunStatus, ScreeningRun

BADGE = re.compile(r'<span class="badge tone-([a-z]+)">([^<]*)</span>')


@pytest.fixture
def cases(db, recruiter, make_vacancy, make_candidate):
    vacancy = make_vacancy(owner=recruiter, title="Backend developer")
    added = make_candidate(vacancy, name="Ada Added", email="ada@example.org")
    asked = make_candidate(vacancy, name="Bo Asked", email="bo@example.org")
    move(asked, CaseState.CONSENT_REQUESTED, actor="system", reason=Action.ASK_CONSENT)
    db.session.add(ScreeningRun(candidate=added, status=RunStatus.FAILED, error="internal_error",
                                progress={}, counts={}))
    db.session.commit()
    return vacancy, added, asked


def badges(client, path: str) -> list[tuple[str, str]]:
    response = client.get(path)
    assert response.status_code == 200, path
    return BADGE.findall(response.get_data(as_text=True))


def test_every_list_and_header_shows_states_as_labelled_badges(client, cases):
    vacancy, added, asked = cases
    dashboard = badges(client, "/dashboard")
    # The vacancy's table lists both; "needs attention" lists the added one again.
    assert ("neutral", "Added") in dashboard and ("wait", "Agreement requested") in dashboard
    assert dashboard.count(("neutral", "Added")) == 2
    assert badges(client, "/dashboard?state=consent_requested") == [
        ("wait", "Agreement requested")]
    assert badges(client, f"/vacancies/{vacancy.id}") == [
        ("ready", "Open"), ("neutral", "Added"), ("wait", "Agreement requested")]
    assert badges(client, f"/candidates/{added.id}") == [("neutral", "Added"), ("bad", "Failed")]
    assert badges(client, f"/candidates/{added.id}/run") == [("neutral", "Added"),
                                                            ("bad", "Failed")]
    assert badges(client, f"/candidates/{asked.id}") == [("wait", "Agreement requested")]
    page = client.get(f"/candidates/{added.id}/run").get_data(as_text=True)
    assert "Failed: an error on our side" in page and "internal_error" not in page


def test_badges_speak_the_readers_language(client, db, recruiter, cases):
    recruiter.language = "nl"
    db.session.commit()
    vacancy, added, _asked = cases
    assert badges(client, f"/vacancies/{vacancy.id}")[1:] == [
        ("neutral", "Toegevoegd"), ("wait", "Akkoord gevraagd")]
    assert badges(client, f"/candidates/{added.id}") == [("neutral", "Toegevoegd"),
                                                        ("bad", "Mislukt")]


@pytest.mark.parametrize("state", list(CaseState))
def test_each_case_state_has_a_badge_with_its_label(app, state):
    with app.test_request_context():
        html = str(badge(state, "case_state"))
    tone, text = BADGE.fullmatch(html).groups()
    assert text == str(CASE_STATES[state])
    assert (tone == "neutral") == (state == CaseState.ADDED)  # only a new case has no tone


@pytest.mark.parametrize("status", list(RunStatus))
def test_each_run_status_has_a_badge_with_its_label(app, status):
    with app.test_request_context():
        html = str(badge(status, "run_status"))
    tone, text = BADGE.fullmatch(html).groups()
    assert text == str(RUN_STATUSES[status.value]) and tone != "neutral"
