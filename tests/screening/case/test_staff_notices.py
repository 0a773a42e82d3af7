"""Recruiters' e-mail over a real SMTP server: one per event and recipient, to the vacancy's
owner and assignees only, in each one's language, none when switched off, and never any of the
candidate's personal data."""

from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from compliance import staff_mail
from compliance.accounts import Role, update_user
from compliance.audit import AuditAction, AuditEvent
from compliance.consent import SourceAnswer
from compliance.db import utcnow
from screening import staff_notices
from screening.case import answer_consent, request_consent
from screening.findings import waive_comment_window
from screening.notices import StaffMessageKind
from screening.runs import latest_run, queue_run
from tests.conftest import mail_config
from tests.screening.case.conftest import FAST, RELEVANT, feed
from tests.screening.sources.conftest import reply

NAME, ADDRESS = "Jamie Jansen", "jamie@example.org"
WEB_PAGE = b"<!doctype html><html><head><title>Jamie</title></head><body>Hi!</body></html>"


@pytest.fixture
def app_config(smtp):
    return mail_config(smtp, SOURCE_CLIENT_SETTINGS=FAST)


@pytest.fixture
def team(db, make_user, recruiter):
    colleague = make_user(Role.RECRUITER, email="cas@acme.test")
    outsider = make_user(Role.RECRUITER, email="out@acme.test")
    update_user(colleague, actor="system", language="nl")
    update_user(recruiter, actor="system", language="en")
    db.session.commit()
    return {"owner": recruiter, "colleague": colleague, "outsider": outsider}


@pytest.fixture
def candidate(db, team, make_vacancy, make_candidate):
    vacancy = make_vacancy(owner=team["owner"], title="Data engineer",
                           criteria=["Python", "Django", "PostgreSQL", "pytest"],
                           allowed_sources=["rss"], assignee_ids=[team["colleague"].id])
    return make_candidate(vacancy, name=NAME, email=ADDRESS)


def staff_mail_in(inbox, team) -> dict[str, list]:
    """The messages that reached staff, by address, parsed."""
    staff = {u.email for u in team.values()}
    found: dict[str, list] = {}
    for recipients, content in inbox.messages:
        [address] = recipients
        if address in staff:
            found.setdefault(address, []).append(
                BytesParser(policy=policy.SMTP).parsebytes(content))
    return found


def assert_no_personal_data(messages, *texts):
    for email in messages:
        whole = email["Subject"] + email.get_body().get_content()
        for text in (NAME, "Jamie", ADDRESS, *texts):
            assert text not in whole


def asked(db, candidate, recruiter, inbox):
    request_consent(candidate, actor=recruiter)
    db.session.commit()
    inbox.messages.clear()


def agreed(db, candidate, recruiter, inbox, url):
    asked(db, candidate, recruiter, inbox)
    answer_consent(candidate, [SourceAnswer("rss", url, True)], talent_pool=False)
    db.session.commit()
    inbox.messages.clear()


def test_an_agreement_reaches_owner_and_assignee_once_each_in_their_language(
        db, client, login, inbox, team, candidate, server, blog):
    asked(db, candidate, team["owner"], inbox)
    answer_consent(candidate, [SourceAnswer("rss", blog, True)], talent_pool=False)
    db.session.commit()
    mail = staff_mail_in(inbox, team)
    assert sorted(mail) == sorted([team["owner"].email, team["colleague"].email])
    [english], [dutch] = mail[team["owner"].email], mail[team["colleague"].email]
    case = candidate.id
    assert english["Subject"] == (f"Candidate {case} agreed to be screened for "
                                  f"\u201cData engineer\u201d")
    assert dutch["Subject"] == (f"Kandidaat {case} gaat akkoord met de screening voor "
                                f"\u201cData engineer\u201d")
    assert f"http://127.0.0.1:5000/candidates/{case}" in english.get_body().get_content()
    assert_no_personal_data([english, dutch], blog)
    # The link leads to the case, behind the login.
    assert client.get(f"/candidates/{case}").status_code == 302
    login(team["owner"])
    assert client.get(f"/candidates/{case}").status_code == 200
    # Audited as every notice: the message, the case and vacancy by id, never an address.
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == AuditAction.NOTIFICATION_SENT.value,
        AuditEvent.details_json.contains(StaffMessageKind.CANDIDATE_ANSWERED.value))).all()
    assert len(events) == 2
    assert all(e.objects["candidate"] == case and e.objects["vacancy"] == candidate.vacancy_id
               for e in events)
    assert "acme.test" not in "".join(e.details_json + e.objects_json for e in events)


def test_a_declined_case_is_erased_and_the_recruiters_still_hear_of_it(db, inbox, team,
                                                                        candidate, blog):
    asked(db, candidate, team["owner"], inbox)
    case = candidate.id
    answer_consent(candidate, [SourceAnswer("rss", blog, False)], talent_pool=False)
    db.session.commit()
    mail = staff_mail_in(inbox, team)
    [english] = mail[team["owner"].email]
    assert english["Subject"] == (f"Candidate {case} declined to be screened for "
                                  f"\u201cData engineer\u201d")
    assert len(mail[team["colleague"].email]) == 1
    assert_no_personal_data(mail[team["colleague"].email] + [english])


def test_a_finished_run_tells_them_without_any_finding(db, inbox, team, candidate, blog):
    agreed(db, candidate, team["owner"], inbox, blog)
    queue_run(candidate, actor=team["owner"])
    db.session.commit()
    mail = staff_mail_in(inbox, team)
    [english] = mail[team["owner"].email]
    assert english["Subject"] == (f"The screening of candidate {candidate.id} for "
                                  f"\u201cData engineer\u201d is finished")
    [dutch] = mail[team["colleague"].email]
    assert dutch["Subject"] == (f"De screening van kandidaat {candidate.id} voor "
                                f"\u201cData engineer\u201d is klaar")
    assert_no_personal_data([english, dutch], "Django REST", "Pieter", "jan.smit", blog)
    assert team["outsider"].email not in mail
    # The event is the run: telling again sends nothing.
    inbox.messages.clear()
    assert staff_notices.run_ended(candidate, latest_run(candidate).id, finished=True) == 0
    db.session.commit()
    assert inbox.messages == []


def test_a_failed_run_tells_them_it_failed(db, inbox, team, candidate, server):
    home = server.route("/home", lambda h: reply(h, 200, WEB_PAGE, "text/html"))
    agreed(db, candidate, team["owner"], inbox, home)
    queue_run(candidate, actor=team["owner"])
    db.session.commit()
    [english] = staff_mail_in(inbox, team)[team["owner"].email]
    assert english["Subject"] == (f"The screening of candidate {candidate.id} for "
                                  f"\u201cData engineer\u201d failed")
    assert_no_personal_data([english], home)


def test_a_kind_switched_off_is_not_sent_to_that_user(db, inbox, team, candidate, blog):
    staff_mail.set_enabled(team["colleague"], [StaffMessageKind.RUN_ENDED.value],
                           actor=team["colleague"])
    db.session.commit()
    asked(db, candidate, team["owner"], inbox)
    answer_consent(candidate, [SourceAnswer("rss", blog, True)], talent_pool=False)
    db.session.commit()
    assert list(staff_mail_in(inbox, team)) == [team["owner"].email]


def test_an_inactive_or_removed_recruiter_gets_nothing(db, inbox, team, candidate, blog):
    update_user(team["colleague"], actor="system", active=False)
    db.session.commit()
    asked(db, candidate, team["owner"], inbox)
    answer_consent(candidate, [SourceAnswer("rss", blog, True)], talent_pool=False)
    db.session.commit()
    assert list(staff_mail_in(inbox, team)) == [team["owner"].email]


def test_the_closing_comment_window_is_told_once_a_day_before(db, inbox, team, candidate,
                                                              server):
    url = server.route("/feed.xml", lambda h: reply(h, 200, feed([RELEVANT]),
                                                    "application/rss+xml"))
    agreed(db, candidate, team["owner"], inbox, url)
    queue_run(candidate, actor=team["owner"])
    db.session.commit()
    inbox.messages.clear()
    closes = candidate.notified_at + timedelta(days=candidate.vacancy.comment_window_days)
    assert staff_notices.notify_closing_windows(now=closes - timedelta(hours=25)) == 0
    assert staff_notices.notify_closing_windows(now=closes - timedelta(hours=20)) == 2
    db.session.commit()
    assert staff_notices.notify_closing_windows(now=closes - timedelta(hours=2)) == 0  # once
    db.session.commit()
    mail = staff_mail_in(inbox, team)
    [english], [dutch] = mail[team["owner"].email], mail[team["colleague"].email]
    assert english["Subject"] == (f"The comment window of candidate {candidate.id} for "
                                  f"\u201cData engineer\u201d closes soon")
    assert dutch["Subject"].startswith(f"De reactietermijn van kandidaat {candidate.id}")
    assert_no_personal_data([english, dutch], "Django REST", "Pieter")
    assert staff_notices.notify_closing_windows(now=closes + timedelta(minutes=1)) == 0


def test_no_window_notice_once_the_candidate_is_done(db, inbox, team, candidate, blog):
    agreed(db, candidate, team["owner"], inbox, blog)
    queue_run(candidate, actor=team["owner"])
    db.session.commit()
    waive_comment_window(candidate)
    db.session.commit()
    closes = utcnow() + timedelta(days=candidate.vacancy.comment_window_days)
    assert staff_notices.notify_closing_windows(now=closes - timedelta(hours=2)) == 0


def test_staff_mail_kept_without_smtp_is_sent_once_smtp_is_there(app, db, inbox, team,
                                                                  candidate, make_candidate):
    """Two notices of one kind to one recruiter are two events: neither replaces the other."""
    from compliance import outbox

    other = make_candidate(candidate.vacancy, name="Sam Other", email="sam@example.org")
    server = app.config.pop("MAIL_SERVER")
    assert staff_notices.run_ended(candidate, 101, finished=True) == 2
    assert staff_notices.run_ended(other, 102, finished=False) == 2
    db.session.commit()
    app.config["MAIL_SERVER"] = server
    assert inbox.messages == []
    assert outbox.resend_task() == 4  # promoted and sent
    mail = staff_mail_in(inbox, team)
    assert len(mail[team["owner"].email]) == 2 and len(mail[team["colleague"].email]) == 2
