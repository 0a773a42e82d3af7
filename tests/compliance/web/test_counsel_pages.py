"""Counsel's erasures and audit pages: held subjects marked as held, not as due; the audit log
names staff (never a candidate), reads as text, and filters the same in Dutch and English."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import current_app

from compliance import audit, retention, rights
from compliance.accounts import Role
from compliance.audit import AuditAction
from compliance.db import utcnow
from compliance.subjects import RetentionReason


@pytest.fixture
def legal(make_user):
    return make_user(Role.LEGAL, name="Lee Counsel")


def section(page: str, heading: str) -> str:
    """Return the part of a page under an h2, up to the next h2."""
    return page.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]


def test_held_subjects_are_marked_held_with_the_reason_not_listed_as_due(
        db, login, legal, make_candidate):
    held, due, soon = make_candidate(), make_candidate(), make_candidate()
    retention.schedule(held.subject, utcnow() - timedelta(days=2), RetentionReason.DECIDED)
    retention.schedule(due.subject, utcnow() - timedelta(days=2), RetentionReason.DECIDED)
    retention.schedule(soon.subject, utcnow() + timedelta(days=3), RetentionReason.DECIDED)
    rights.place_hold(held.subject, actor=legal, reason="Claim <i>pending</i>")
    db.session.commit()
    page = login(legal).get("/legal/retention").get_data(as_text=True)
    overdue, upcoming = section(page, "Overdue"), section(page, "Due in the next 30 days")
    kept = section(page, "Kept by a legal hold")
    assert f"Subject {due.subject_id}<" in overdue and f"Subject {held.subject_id}<" not in overdue
    assert f"Subject {soon.subject_id}<" in upcoming
    assert f"Subject {held.subject_id}<" in kept and "Claim &lt;i&gt;pending&lt;/i&gt;" in kept
    assert "Held since" in kept


def test_the_audit_log_names_staff_and_reads_as_text(db, login, legal, make_user,
                                                     make_candidate):
    recruiter = make_user(Role.RECRUITER, name="Rita Recruiter")
    candidate = make_candidate(name="Jamie Jansen")
    audit.record(AuditAction.CONSENT_REQUESTED, actor=recruiter, subject=candidate.subject,
                 objects={"candidate": candidate.id}, sources=["github", "rss"],
                 expires_days=14, reminded=False)
    audit.record(AuditAction.CONSENT_GIVEN, actor="candidate", subject=candidate.subject)
    db.session.commit()
    page = login(legal).get("/legal/audit").get_data(as_text=True)
    assert "Rita Recruiter" in page and f"user:{recruiter.id}" not in page.split("<tbody>")[1]
    assert "The candidate" in page and "Jamie" not in page
    assert "Sources: GitHub, Blog or feed (RSS/Atom)" in page and "Days to answer: 14" in page
    assert "Reminded: no" in page and "[" not in page.split("<tbody>")[1]
    assert '<table class="log">' in page


@pytest.mark.parametrize("language, found, label", [
    ("en", "1 event found.", "Agreement requested"),
    ("nl", "1 gebeurtenis gevonden.", None)])
def test_the_audit_filters_work_in_either_language(db, login, legal, make_user, language,
                                                   found, label):
    recruiter = make_user(Role.RECRUITER, name="Rita Recruiter")
    other = make_user(Role.RECRUITER, name="Otto Other")
    audit.record(AuditAction.CONSENT_REQUESTED, actor=recruiter)
    audit.record(AuditAction.CONSENT_REQUESTED, actor=other)
    audit.record(AuditAction.LOGIN_FAILED, actor=recruiter)
    db.session.commit()
    client = login(legal)
    client.post("/preferences", data={"language": language})
    # The page's days run midnight to midnight in the instance's zone: past 23:00 UTC in winter,
    # Amsterdam's today is UTC's tomorrow.
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    today = utcnow().astimezone(zone).date().isoformat()
    response = client.get(f"/legal/audit?action=consent.requested&actor=user:{recruiter.id}"
                          f"&since={today}&until={today}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and found in page
    assert re.search(rf'<option value="user:{recruiter.id}"\s+selected>Rita Recruiter', page)
    assert re.search(r'<option value="consent.requested"\s+selected>', page)
    if label:
        assert label in page
    bad = client.get("/legal/audit?actor=user:99999&action=Toestemming+gevraagd")
    assert bad.status_code == 422 and 'id="actor-error"' in bad.get_data(as_text=True)
    assert 'id="action-error"' in bad.get_data(as_text=True)
