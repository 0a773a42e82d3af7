"""Erasure and objection from the portal: each behind a confirmation page that says what will
happen; an objection may give its grounds, kept encrypted with the request, never audited."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from compliance import rights, tokens
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.policy import OBJECTION_GROUNDS_MAX_CHARS
from compliance.rights import RequestStatus, RightsRequest
from compliance.tokens import Purpose
from screening.models import Candidate
from screening.reports import access_report

GROUNDS = "My blog is written under a pseudonym because of a stalker; please do not read it."


@pytest.fixture
def portal(db, make_candidate):
    """Return a link to a fresh candidate's portal, and the candidate."""
    def make(**overrides):
        candidate = make_candidate(**overrides)
        link = f"/portal/{tokens.issue(candidate.subject, Purpose.PORTAL, timedelta(days=30))}"
        db.session.commit()
        return link, candidate

    return make


def still_there(db, candidate_id: int) -> bool:
    db.session.rollback()
    return db.session.get(Candidate, candidate_id) is not None


def test_the_portal_links_to_each_confirmation_and_acts_on_no_click(client, portal):
    link, _candidate = portal()
    page = client.get(link).get_data(as_text=True)
    assert f'href="{link}/rights/erasure"' in page and f'href="{link}/rights/objection"' in page
    assert 'name="right"' not in page  # no button on the portal erases or objects


@pytest.mark.parametrize("right, says", [
    ("erasure", "Everything we hold about you for this screening is erased at once"),
    ("objection", "The screening of your online accounts for this application ends at once"),
])
def test_the_confirmation_says_what_happens_and_leads_back(client, db, portal, right, says):
    link, candidate = portal()
    response = client.get(f"{link}/rights/{right}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and says in page
    assert "Your application itself is not affected" in page
    assert 'name="csrf_token"' in page and 'name="confirm" value="yes"' in page
    assert f'href="{link}">Back to your portal' in page
    assert 'class="danger"' in page and ('name="grounds"' in page) == (right == "objection")
    assert still_there(db, candidate.id)


@pytest.mark.parametrize("right", ["erasure", "objection"])
def test_a_post_without_the_confirmation_erases_nothing(client, db, portal, right):
    link, candidate = portal()
    response = client.post(f"{link}/rights", data={"right": right})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{link}/rights/{right}")
    assert still_there(db, candidate.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(RightsRequest)) == 0


def test_confirmed_erasure_erases(client, db, portal):
    link, candidate = portal()
    candidate_id = candidate.id
    done = client.post(f"{link}/rights", data={"right": "erasure", "confirm": "yes"})
    assert "Your data has been erased." in done.get_data(as_text=True)
    assert not still_there(db, candidate_id)


def test_an_unknown_right_has_no_confirmation(client, portal):
    link, _candidate = portal()
    assert client.get(f"{link}/rights/access").status_code == 404
    assert client.post(f"{link}/rights", data={"right": "access", "confirm": "yes"}
                       ).status_code == 404


def test_a_held_objection_keeps_its_grounds_encrypted_and_out_of_the_audit(
        client, db, portal, make_user):
    link, candidate = portal()
    rights.place_hold(candidate.subject, actor=make_user(Role.LEGAL), reason="Pending claim.")
    db.session.commit()
    response = client.post(f"{link}/rights", data={"right": "objection", "confirm": "yes",
                                                   "grounds": f"  {GROUNDS} "})
    assert response.status_code == 302  # held: back to the portal, with the due date
    assert still_there(db, candidate.id)
    held = db.session.scalars(db.select(RightsRequest)).one()
    assert held.status == RequestStatus.ON_HOLD and held.details == GROUNDS
    raw = db.session.execute(text("SELECT details FROM rights_request")).scalar()
    assert raw and "pseudonym" not in raw
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.RIGHTS_REQUESTED)).one()
    assert event.details == {"right": "objection", "details_given": True}
    assert "pseudonym" not in str(db.session.execute(text("SELECT * FROM audit_event")).all())


def test_an_objection_without_grounds_is_taken_as_it_is(client, db, portal):
    link, candidate = portal()
    candidate_id = candidate.id
    done = client.post(f"{link}/rights", data={"right": "objection", "confirm": "yes",
                                               "grounds": " "})
    assert "Your data has been erased." in done.get_data(as_text=True)
    assert not still_there(db, candidate_id)


def test_grounds_too_long_are_sent_back_beside_their_field_with_nothing_erased(
        client, db, portal):
    link, candidate = portal()
    long = "x" * (OBJECTION_GROUNDS_MAX_CHARS + 1)
    response = client.post(f"{link}/rights", data={"right": "objection", "confirm": "yes",
                                                   "grounds": long})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="grounds-error"' in page
    assert 'aria-describedby="grounds-hint grounds-error"' in page and long in page
    assert still_there(db, candidate.id)


@pytest.mark.parametrize("right", ["erasure", "objection"])
def test_a_dutch_candidate_is_asked_in_dutch_with_je(client, portal, right):
    link, _candidate = portal(language="nl")
    page = client.get(f"{link}/rights/{right}").get_data(as_text=True)
    assert "Terug naar je portaal" in page and "Je sollicitatie zelf verandert niet" in page
    assert "toestemming" not in page.lower()
    assert not any(word in page.split("<main")[1] for word in (" u ", " uw ", "Uw "))


def test_the_candidate_gets_their_grounds_back_in_their_copy_and_access_report(
        client, db, portal, make_user):
    link, candidate = portal()
    rights.place_hold(candidate.subject, actor=make_user(Role.LEGAL), reason="Pending claim.")
    db.session.commit()
    client.post(f"{link}/rights", data={"right": "objection", "confirm": "yes",
                                        "grounds": GROUNDS})
    copy = client.get(f"{link}/data.json").get_json()
    page = client.get(f"{link}/access").get_data(as_text=True)
    assert "Why you object" in page and "written under a pseudonym" in page
    assert [(r["right"], r["status"], r["details"]) for r in copy["rights_requests"]] == [
        ("objection", "on_hold", GROUNDS)]
    db.session.rollback()
    held = dict(access_report(db.session.get(Candidate, candidate.id),
                              actor="candidate").personal_data)
    assert held["objection_grounds"] == GROUNDS
    db.session.rollback()
