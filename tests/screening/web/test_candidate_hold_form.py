"""The legal-hold form on a candidate's page: a refused step is shown next to its field (tied
to it for screen readers) with the reason as typed, and nothing is held or released."""

import re

import pytest

from compliance import rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from screening.models import Candidate

TOO_LONG = "Court case 2026-117 " * 101  # 2020 characters


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL)


@pytest.fixture
def counsel(login, legal):
    return login(legal)


@pytest.fixture
def candidate(make_candidate):
    return make_candidate()


def field_error(page: str, field: str) -> str:
    """Return the message next to a field, checking the field is described by it and marked."""
    tag = re.search(rf'<input id="{field}"[^>]*>', page, re.S).group(0)
    assert re.search(rf'aria-describedby="[^"]*\b{field}-error\b', tag), tag
    assert 'aria-invalid="true"' in tag, tag
    assert f'href="#{field}"' in page  # the summary leads to the field
    return re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', page).group(1)


def value_of(page: str, field: str) -> str:
    tag = re.search(rf'<input id="{field}"[^>]*>', page, re.S).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def held(db, candidate_id: int):
    db.session.rollback()
    return rights.held(db.session.get(Candidate, candidate_id).subject)


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Give the reasons: the candidate receives them."),
    ("   ", "Give the reasons: the candidate receives them."),
    (TOO_LONG, "Write at most 2000 characters."),
])
def test_a_hold_without_a_good_reason_is_refused_next_to_its_field(db, counsel, candidate,
                                                                   reason, message):
    response = counsel.post(f"/candidates/{candidate.id}/legal-hold",
                            data={"hold_reason": reason})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "hold_reason") == message
    assert value_of(page, "hold_reason") == reason  # kept as typed
    assert held(db, candidate.id) is None


def test_a_hold_is_placed_and_released_from_the_candidate_page(db, counsel, legal, candidate):
    page = counsel.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert 'id="hold_reason"' in page and 'aria-describedby="hold_reason-hint"' in page
    placed = counsel.post(f"/candidates/{candidate.id}/legal-hold",
                          data={"hold_reason": "Claim before the court"})
    assert placed.status_code == 302
    assert placed.headers["Location"] == f"/candidates/{candidate.id}"
    assert held(db, candidate.id).reason == "Claim before the court"
    page = counsel.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    assert "The legal hold is placed." in page and "Claim before the court" in page

    empty = counsel.post(f"/candidates/{candidate.id}/legal-hold/release",
                         data={"release_reason": "  "})
    assert empty.status_code == 422
    assert field_error(empty.get_data(as_text=True), "release_reason").startswith("Give the")
    assert held(db, candidate.id) is not None

    too_long = counsel.post(f"/candidates/{candidate.id}/legal-hold/release",
                            data={"release_reason": TOO_LONG})
    assert value_of(too_long.get_data(as_text=True), "release_reason") == TOO_LONG
    assert held(db, candidate.id) is not None

    released = counsel.post(f"/candidates/{candidate.id}/legal-hold/release",
                            data={"release_reason": "Claim settled"})
    assert released.status_code == 302 and held(db, candidate.id) is None
    actions = db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.action.like("legal_hold.%")).order_by(AuditEvent.seq)).all()
    assert actions == [AuditAction.LEGAL_HOLD_PLACED, AuditAction.LEGAL_HOLD_RELEASED]


def test_a_hold_the_state_refuses_is_said_above_the_form(db, counsel, candidate):
    candidate.subject.erasing_since = utcnow()
    db.session.commit()
    response = counsel.post(f"/candidates/{candidate.id}/legal-hold",
                            data={"hold_reason": "Claim"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    assert "The erasure of this data subject has begun" in summary
    assert value_of(page, "hold_reason") == "Claim"
    assert held(db, candidate.id) is None


def test_recruiters_cannot_place_or_release_a_hold(db, login, make_user, candidate):
    recruiter = make_user(Role.RECRUITER)
    candidate.vacancy.owner_id = recruiter.id
    db.session.commit()
    client = login(recruiter)
    assert "legal-hold" not in client.get(f"/candidates/{candidate.id}").get_data(as_text=True)
    for path in ("legal-hold", "legal-hold/release"):
        response = client.post(f"/candidates/{candidate.id}/{path}",
                               data={"hold_reason": "x", "release_reason": "x"})
        assert response.status_code == 403
        last = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.action == AuditAction.ACCESS_DENIED
    assert held(db, candidate.id) is None
