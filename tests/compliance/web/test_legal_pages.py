"""Legal counsel's pages: only the legal role, filters and paging, integrity and erasures."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from compliance import audit, retention
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from compliance.subjects import RetentionReason

PAGES = ["/legal/audit", "/legal/integrity", "/legal/retention"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.RECRUITER])
def test_other_roles_are_refused_and_audited(db, make_user, login, role):
    user = make_user(role)
    client = login(user)
    for page in PAGES:
        assert client.get(page).status_code == 403
    assert client.post("/legal/integrity/verify").status_code == 403
    denials = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "access.denied", AuditEvent.actor == f"user:{user.id}")).all()
    assert len(denials) == len(PAGES) + 1 and denials[0].details == {"area": "legal"}


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/legal/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_audit_log_filters_by_action_vacancy_and_period(db, make_user, login,
                                                           make_vacancy, make_candidate):
    one, two = make_vacancy(title="One"), make_vacancy(title="Two")
    make_candidate(one, name="Hidden Name")
    make_candidate(two)
    client = login(make_user(Role.LEGAL))
    page = client.get("/legal/audit").get_data(as_text=True)
    assert "Candidate added" in page and "Hidden Name" not in page
    assert f'<option value="{one.id}"' in page

    page = client.get(f"/legal/audit?action=candidate.created&vacancy={one.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 event found." in text

    today = utcnow().date()  # the day after tomorrow: no zone's today is past it yet
    assert "0 events found." in client.get(
        f"/legal/audit?since={today + timedelta(days=2)}").get_data(as_text=True)
    bad = client.get("/legal/audit?since=yesterday&action=nonsense")
    assert bad.status_code == 422 and "Enter a date as YYYY-MM-DD." in bad.get_data(as_text=True)


# Events just before and after midnight in Amsterdam, in winter (UTC+1) and summer (UTC+2).
NIGHT = {"9 March late": datetime(2026, 3, 9, 22, 30, tzinfo=UTC),
         "10 March early": datetime(2026, 3, 9, 23, 30, tzinfo=UTC),
         "9 July late": datetime(2026, 7, 9, 21, 30, tzinfo=UTC),
         "10 July early": datetime(2026, 7, 9, 22, 30, tzinfo=UTC)}
SHOWN = {"9 March late": "March 9, 2026 at 11:30:00",
         "10 March early": "March 10, 2026 at 12:30:00",
         "9 July late": "July 9, 2026 at 11:30:00", "10 July early": "July 10, 2026 at 12:30:00"}


@pytest.mark.parametrize(("since", "until", "found"), [
    ("2026-03-09", "2026-03-09", ["9 March late"]),
    ("2026-03-10", "2026-03-10", ["10 March early"]),
    ("2026-07-09", "2026-07-09", ["9 July late"]),
    ("2026-07-10", "", ["10 July early"]),
    ("2026-03-10", "2026-07-09", ["10 March early", "9 July late"]),
])
def test_the_audit_log_dates_are_days_in_the_zone_its_times_are_shown_in(
        db, make_user, login, monkeypatch, since, until, found):
    for name, moment in NIGHT.items():
        monkeypatch.setattr(audit, "utcnow", lambda moment=moment: moment)
        audit.record(AuditAction.LOGIN_FAILED, actor="system",
                     objects={"user": list(NIGHT).index(name) + 1})
    monkeypatch.undo()
    db.session.commit()
    client = login(make_user(Role.LEGAL))
    page = client.get(f"/legal/audit?action=login.failed&since={since}&until={until}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Europe/Amsterdam" in text
    shown = sorted(int(n) for n in re.findall(r"User: <code>(\d+)</code>", text))
    assert shown == sorted(list(NIGHT).index(name) + 1 for name in found)
    times = re.findall(r"<time[^>]*>([^<]*)</time>", text)
    assert [t.split("\u202f")[0] for t in times] == [SHOWN[name] for name in reversed(found)]


def test_the_audit_log_pages(db, make_user, login):
    for i in range(120):
        audit.record(AuditAction.LOGIN_FAILED, actor="system", objects={"user": i})
    db.session.commit()
    client = login(make_user(Role.LEGAL))
    first = client.get("/legal/audit?action=login.failed").get_data(as_text=True)
    assert "Page 1 of 3" in first and "Older events" in first and "Newer events" not in first
    last = client.get("/legal/audit?action=login.failed&page=3").get_data(as_text=True)
    assert "Page 3 of 3" in last and "Newer events" in last and "action=login.failed" in last


def test_integrity_page_verifies_and_shows_the_last_verification(db, make_user, login):
    client = login(make_user(Role.LEGAL))
    assert "Never verified." in client.get("/legal/integrity").get_data(as_text=True)
    response = client.post("/legal/integrity/verify", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "The audit log is intact" in text and "intact</strong>" in text
    assert "Latest signed checkpoints" in text


def test_erasures_page_lists_overdue_and_upcoming_without_names(db, make_user, login,
                                                                make_vacancy, make_candidate):
    vacancy = make_vacancy()
    late = make_candidate(vacancy, name="Late Person")
    soon = make_candidate(vacancy, name="Soon Person")
    retention.schedule(late.subject, utcnow() - timedelta(days=2, hours=1),
                       RetentionReason.CONSENT_DECLINED)
    retention.schedule(soon.subject, utcnow() + timedelta(days=5, hours=1),
                       RetentionReason.DECIDED)
    db.session.commit()
    client = login(make_user(Role.LEGAL))
    text = client.get("/legal/retention").get_data(as_text=True)
    assert f"Subject {late.subject_id}" in text and "2 days overdue" in text
    assert f"Subject {soon.subject_id}" in text and "in 5 days" in text
    assert "Person" not in text
