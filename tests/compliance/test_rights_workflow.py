"""Counsel's steps on a rights request follow one table of statuses, and the rules of Art. 12:
one extension, told within the first month; reasons for a refusal; a hold that keeps the data
from every erasure until it is released; counsel's reasons sealed, never in the audit log."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from compliance import retention, rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.rights import RequestStatus, RightsError, Step
from compliance.subjects import LegalHold, RetentionReason, Subject

SECRET = "Dispute 2026-117 with Jamie before the court"


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL)


@pytest.fixture
def subject(make_candidate):
    return make_candidate().subject


def a_request(db, subject, right=rights.Right.RECTIFICATION, status=RequestStatus.OPEN):
    request = rights.request_right(subject, right, objects={})
    request.status = status
    db.session.commit()
    return request


@pytest.mark.parametrize("status", list(RequestStatus))
@pytest.mark.parametrize("step", [Step.EXTEND, Step.RESOLVE, Step.REFUSE])
def test_a_step_is_allowed_only_where_the_table_says(db, subject, status, step):
    request = a_request(db, subject, status=status)
    assert request.allows(step) == ((status, step) in rights.STEPS)
    assert request.allows(step) == (status in (RequestStatus.OPEN, RequestStatus.ON_HOLD))


@pytest.mark.parametrize("status", [RequestStatus.DONE, RequestStatus.REFUSED])
@pytest.mark.parametrize("act", ["resolve", "refuse", "extend"])
def test_an_answered_request_cannot_be_answered_again(db, subject, legal, status, act):
    request = a_request(db, subject, status=status)
    steps = {"resolve": lambda: rights.resolve(request, actor=legal, note="Done"),
             "refuse": lambda: rights.refuse(request, actor=legal, reasons="No"),
             "extend": lambda: rights.extend(request, actor=legal, months=1, reasons="Busy")}
    with pytest.raises(RightsError) as error:
        steps[act]()
    assert error.value.code == "closed" and request.status == status


def test_a_resolved_request_cannot_be_refused(db, subject, legal):
    request = a_request(db, subject)
    rights.resolve(request, actor=legal, note="Corrected")
    db.session.commit()
    with pytest.raises(RightsError, match="closed"):
        rights.refuse(request, actor=legal, reasons="No after all")
    db.session.rollback()
    assert db.session.get(rights.RightsRequest, request.id).status == RequestStatus.DONE


def test_an_extension_moves_the_deadline_once_by_one_or_two_months(db, subject, legal):
    request = a_request(db, subject)
    with pytest.raises(RightsError, match="months"):
        rights.extend(request, actor=legal, months=3, reasons="Many requests")
    rights.extend(request, actor=legal, months=2, reasons="Many requests")
    db.session.commit()
    assert request.due_at == request.received_at + timedelta(days=90)
    assert not request.allows(Step.EXTEND)
    with pytest.raises(RightsError, match="extended_already"):
        rights.extend(request, actor=legal, months=1, reasons="Still more")


def test_an_extension_must_be_told_within_the_first_month(db, subject, legal):
    request = a_request(db, subject)
    request.received_at = utcnow() - timedelta(days=31)
    db.session.commit()
    with pytest.raises(RightsError, match="extension_late"):
        rights.extend(request, actor=legal, months=1, reasons="Too late")


@pytest.mark.parametrize("reasons, code", [("", "reasons_missing"), ("   ", "reasons_missing"),
                                           ("x" * 2001, "reasons_too_long")])
def test_reasons_are_required_where_the_law_asks_for_them(db, subject, legal, reasons, code):
    request = a_request(db, subject)
    for step in (lambda: rights.refuse(request, actor=legal, reasons=reasons),
                 lambda: rights.extend(request, actor=legal, months=1, reasons=reasons),
                 lambda: rights.place_hold(subject, actor=legal, reason=reasons)):
        with pytest.raises(RightsError, match=code):
            step()
    assert request.status == RequestStatus.OPEN and rights.held(subject) is None


def test_counsel_s_reasons_are_sealed_and_never_audited(db, subject, legal):
    request = a_request(db, subject)
    rights.extend(request, actor=legal, months=1, reasons=SECRET)
    rights.refuse(request, actor=legal, reasons=SECRET)
    hold = rights.place_hold(subject, actor=legal, reason=SECRET)
    rights.release_hold(subject, actor=legal, reason=SECRET)
    db.session.commit()
    stored = [*db.session.execute(text(
        "SELECT reasons, extension_reasons FROM rights_request WHERE id = :i"),
        {"i": request.id}).one(), *db.session.execute(text(
            "SELECT reason, release_reason FROM legal_hold WHERE id = :i"), {"i": hold.id}).one()]
    assert all(value.startswith("fs1:") and "Jamie" not in value for value in stored)
    assert (request.reasons, request.extension_reasons) == (SECRET, SECRET)
    events = db.session.scalars(select(AuditEvent)).all()
    assert {AuditAction.RIGHTS_EXTENDED, AuditAction.LEGAL_HOLD_PLACED,
            AuditAction.LEGAL_HOLD_RELEASED} <= {e.action for e in events}
    assert not any("Dispute" in e.details_json or "Jamie" in e.details_json for e in events)


def test_a_hold_keeps_a_due_subject_from_the_sweep_until_it_is_released(db, subject, legal):
    sid = subject.id
    retention.schedule(subject, utcnow() - timedelta(days=1), RetentionReason.DECIDED)
    rights.place_hold(subject, actor=legal, reason="Claim pending")
    db.session.commit()
    assert retention.sweep().erased == 0 and db.session.get(Subject, sid) is not None
    with pytest.raises(RightsError, match="held_already"):
        rights.place_hold(subject, actor=legal, reason="Again")

    rights.release_hold(subject, actor=legal, reason="Claim settled")
    db.session.commit()
    with pytest.raises(RightsError, match="not_held"):
        rights.release_hold(subject, actor=legal, reason="Twice")
    assert retention.sweep().erased == 1 and db.session.get(Subject, sid) is None


def test_a_hold_makes_a_waiting_erasure_wait_and_its_release_carries_it_out(db, subject,
                                                                           legal):
    sid = subject.id
    request = rights.request_right(subject, rights.Right.ERASURE, objects={})
    rights.place_hold(subject, actor=legal, reason="Claim pending")
    db.session.commit()
    assert request.status == RequestStatus.ON_HOLD
    assert retention.sweep().erased == 0

    rights.release_hold(subject, actor=legal, reason="Claim settled")
    db.session.commit()
    assert db.session.get(Subject, sid) is None  # the case ended, erased after the commit
    assert db.session.scalars(select(LegalHold)).all() == []  # gone with the subject


def test_a_subject_may_be_held_again_and_its_holds_are_kept(db, subject, legal):
    rights.place_hold(subject, actor=legal, reason="First claim")
    rights.release_hold(subject, actor=legal, reason="Settled")
    rights.place_hold(subject, actor=legal, reason="Second claim")
    db.session.commit()
    holds = db.session.scalars(select(LegalHold).order_by(LegalHold.id)).all()
    assert [(h.reason, h.release_reason) for h in holds] == [("First claim", "Settled"),
                                                             ("Second claim", None)]
    assert rights.held(subject).reason == "Second claim"
