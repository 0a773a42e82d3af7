"""After the decision the portal says what it is, what happens next and when the data goes,
shows the candidate's waiting requests, and offers no form the case no longer allows."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

from compliance import rights
from compliance.accounts import Role
from screening.findings import window_closes_at
from screening.models import Candidate
from screening.runs import Finding
from tests.rendered import format_date, page_texts
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

REASONS = "Another candidate had run PostgreSQL in production for longer."


def screened(client, db, login, recruiter, candidate, blog) -> str:
    """Agree, screen, and return the portal link; the recruiter stays logged in."""
    _c, portal = ask_and_agree(client, db, login, recruiter, candidate, blog)
    client.post(f"/candidates/{candidate.id}/screening")
    return portal


def test_before_the_decision_the_portal_offers_context_and_upload(
        client, db, login, recruiter, case_candidate, blog):
    portal = screened(client, db, login, recruiter, case_candidate, blog)
    page = client.get(portal).get_data(as_text=True)
    assert "/context" in page and "/waive" in page and "What happens next" not in page
    db.session.rollback()
    closes = window_closes_at(db.session.get(Candidate, case_candidate.id))
    assert f"on {format_date(closes, 'long', locale='en')}; no rejection" in page
    assert closes.strftime("%Y-%m-%d") not in page


def test_after_a_rejection_the_portal_states_it_and_offers_nothing_that_no_longer_applies(
        client, db, login, recruiter, case_candidate, blog):
    portal = screened(client, db, login, recruiter, case_candidate, blog)
    client.post(f"{portal}/waive")
    assert client.post(f"/candidates/{case_candidate.id}/decision",
                       data={"decision": "rejected", "reasons": REASONS}).status_code == 302
    db.session.rollback()
    candidate = db.session.get(Candidate, case_candidate.id)
    page = client.get(portal).get_data(as_text=True)
    assert "The decision" in page and "Rejected" in page and REASONS in page
    assert format_date(candidate.decided_at, "long", locale="en") in page
    assert "What happens next" in page
    erased_on = format_date(candidate.subject.erase_after, "long", locale="en")
    assert f"We keep your data until {erased_on}" in page
    assert candidate.subject.erase_after.strftime("%Y-%m-%d") not in page
    for action in ("/context", "/waive", "/upload", "/accounts"):
        assert action not in page, action
    assert "/rights/erasure" in page and "/withdraw" in page  # erasure still applies
    staff = client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert format_date(candidate.decided_at, "long", locale="en") in staff and erased_on in staff
    # Read as shown: the timeline's <time datetime> attributes are machine-readable ISO.
    assert candidate.decided_at.strftime("%Y-%m-%d") not in " ".join(page_texts(staff))


def test_context_sent_after_the_decision_is_refused(client, db, login, recruiter,
                                                    case_candidate, blog):
    portal = screened(client, db, login, recruiter, case_candidate, blog)
    client.post(f"/candidates/{case_candidate.id}/decision", data={"decision": "hired"})
    db.session.rollback()
    finding = db.session.scalars(db.select(Finding)).first()
    response = client.post(f"{portal}/findings/{finding.id}/context",
                           data={"context": "Too late."}, follow_redirects=True)
    assert "context can no longer be added" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Finding, finding.id).context is None


def test_a_waiting_request_is_shown_with_its_dates(client, db, login, recruiter, make_user,
                                                   case_candidate, blog):
    portal = screened(client, db, login, recruiter, case_candidate, blog)
    rights.place_hold(case_candidate.subject, actor=make_user(Role.LEGAL), reason="A claim.")
    db.session.commit()
    client.post(f"{portal}/rights", data={"right": "objection", "confirm": "yes"})
    db.session.rollback()
    waiting = db.session.scalars(db.select(rights.RightsRequest)).one()
    page = client.get(portal).get_data(as_text=True)
    due = format_date(waiting.due_at, "long", locale="en")
    assert "Your requests" in page
    assert "Your request to object to the processing, received on" in page and due in page


def test_a_dutch_candidate_reads_the_decision_in_dutch_with_je(
        client, db, login, recruiter, make_candidate, case_candidate, blog):
    candidate = make_candidate(case_candidate.vacancy, email="sanne@example.org", language="nl")
    portal = screened(client, db, login, recruiter, candidate, blog)
    client.post(f"/candidates/{candidate.id}/decision", data={"decision": "hired"})
    db.session.rollback()
    stored = db.session.get(Candidate, candidate.id)
    page = client.get(portal).get_data(as_text=True)
    assert "Wat er nu gebeurt" in page and "Het besluit" in page
    assert format_date(stored.subject.erase_after, "long", locale="nl") in page
    main = page.split("<main")[1]
    used = [w for w in (" u ", " uw ", "U kunt", "Uw ") if w in main]
    assert not used, [line for line in main.splitlines() if any(w in line for w in used)]
