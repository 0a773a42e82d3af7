"""Reminders and talent-pool renewal, with the clock shifted and mail over real SMTP.

The attacks: a sweep run again (or by a second consumer) must not send a second reminder or a
second renewal request; a reminder's link must still open the request; a talent pool nobody
renews must end in erasure, leaving only a tombstone.
"""

import re
import threading
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest

from compliance import staff_mail
from compliance.audit import AuditAction, AuditEvent
from compliance.consent import ConsentDecision, ConsentPurpose, ConsentRecord, SourceAnswer
from compliance.db import db as _db
from compliance.db import utcnow
from compliance.subjects import RetentionReason, Subject
from screening import expiry
from screening.candidates import decide
from screening.case import answer_consent, expire_unanswered, request_consent
from screening.lifecycle import CaseRecord, CaseState
from screening.models import Candidate, Decision
from tests.conftest import mail_config

DAY = timedelta(days=1)
LINK = re.compile(r"http://\S+")


@pytest.fixture
def app_config(smtp):
    from tests.screening.case.conftest import FAST

    return mail_config(smtp, SOURCE_CLIENT_SETTINGS=FAST)


@pytest.fixture(autouse=True)
def recruiter_mail_off(db, recruiter):
    """These tests read the candidate's mail: the recruiter's own notices are switched off."""
    staff_mail.set_enabled(recruiter, [], actor="system")
    db.session.commit()


def mails(inbox) -> list:
    return [BytesParser(policy=policy.SMTP).parsebytes(content) for _to, content in
            inbox.messages]


def events(db, action: AuditAction) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == action.value).order_by(AuditEvent.seq)))


def asked(db, candidate, recruiter, inbox):
    request_consent(candidate, actor=recruiter)
    db.session.commit()
    assert len(inbox.messages) == 1  # the request itself
    inbox.messages.clear()


def test_one_reminder_on_day_11_whose_link_still_opens_the_request(client, db, recruiter,
                                                                   case_candidate, inbox):
    asked(db, case_candidate, recruiter, inbox)
    start = utcnow()
    assert expiry.remind_unanswered(now=start + 10 * DAY, actor="system") == 0
    db.session.commit()
    assert inbox.messages == []
    assert expiry.remind_unanswered(now=start + 11 * DAY + timedelta(minutes=5),
                                    actor="system") == 1
    db.session.commit()
    # Later sweeps, the whole task included, find it sent.
    assert expiry.remind_unanswered(now=start + 12 * DAY, actor="system") == 0
    assert expiry.run_expiry(now=start + 11 * DAY + timedelta(hours=2))["reminded"] == 0
    db.session.commit()
    [mail] = mails(inbox)
    assert inbox.messages[0][0] == ["jamie@example.org"]
    assert mail["Subject"].startswith("Reminder: may we look at your public posts")
    body = mail.get_body().get_content()
    assert "This is the only reminder." in body
    [link] = LINK.findall(body)
    assert "/consent/" in link
    page = client.get(link.split("127.0.0.1:5000", 1)[-1].rstrip("."))
    assert page.status_code == 200
    [event] = events(db, AuditAction.CONSENT_REMINDED)
    assert event.actor == "system" and event.objects["candidate"] == case_candidate.id
    # On day 14 the request expires as before, and the case is erased.
    cid = case_candidate.id
    assert expire_unanswered(now=start + 14 * DAY, actor="system") == 1
    db.session.commit()
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None
    assert len(inbox.messages) == 1


def test_a_request_sent_again_gets_its_own_reminder(db, recruiter, case_candidate, inbox):
    asked(db, case_candidate, recruiter, inbox)
    assert expiry.remind_unanswered(now=utcnow() + 11 * DAY + timedelta(minutes=5)) == 1
    db.session.commit()
    request_consent(case_candidate, actor=recruiter)  # a new 14 days from now
    db.session.commit()
    assert expiry.remind_unanswered(now=utcnow() + 10 * DAY) == 0
    assert expiry.remind_unanswered(now=utcnow() + 11 * DAY + timedelta(minutes=5)) == 1
    db.session.commit()
    assert expiry.remind_unanswered(now=utcnow() + 12 * DAY) == 0
    kinds = [m["Subject"].split(":")[0] for m in mails(inbox)]
    assert kinds.count("Reminder") == 2 and len(kinds) == 3
    assert len(events(db, AuditAction.CONSENT_REMINDED)) == 2


def test_two_consumers_at_once_send_one_reminder(app, db, recruiter, case_candidate, inbox):
    asked(db, case_candidate, recruiter, inbox)
    when = utcnow() + 11 * DAY + timedelta(minutes=5)
    db.session.remove()
    barrier, counts, errors = threading.Barrier(2), [], []

    def consumer():
        with app.app_context():
            try:
                barrier.wait()
                counts.append(expiry.remind_unanswered(now=when, actor="system"))
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=consumer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sorted(counts) == [0, 1]
    assert len(inbox.messages) == 1
    assert len(events(db, AuditAction.CONSENT_REMINDED)) == 1


def in_talent_pool(db, candidate, recruiter, inbox, ago=340 * DAY):
    """Agree with the talent pool ticked, `ago`, and be decided: the data is kept a year."""
    asked(db, candidate, recruiter, inbox)
    answer_consent(candidate, [SourceAnswer("rss", "https://blog.example.org/feed.xml", True)],
                   talent_pool=True)
    for record in db.session.scalars(db.select(ConsentRecord)):
        record.at -= ago  # the history as it would stand after `ago`
    decide(candidate, Decision.HIRED, actor=recruiter)
    db.session.commit()
    assert candidate.subject.erase_reason == RetentionReason.TALENT_POOL
    ends = candidate.subject.erase_after
    assert utcnow() + 364 * DAY - ago < ends < utcnow() + 365 * DAY - ago
    return ends


def renewal_link(inbox) -> str:
    [mail] = mails(inbox)
    assert mail["Subject"] == "Shall we keep you in our talent pool for another year?"
    [link] = LINK.findall(mail.get_body().get_content())
    assert link.endswith("/talent-pool")
    return link.split("127.0.0.1:5000", 1)[-1]


def pool_records(db, candidate_subject_id) -> list[ConsentDecision]:
    return [r.decision for r in db.session.scalars(db.select(ConsentRecord).where(
        ConsentRecord.subject_id == candidate_subject_id,
        ConsentRecord.purpose == ConsentPurpose.TALENT_POOL).order_by(ConsentRecord.id))]


def test_renewal_is_asked_once_and_renewing_keeps_the_data_a_year(client, db, recruiter,
                                                                  case_candidate, inbox):
    ends = in_talent_pool(db, case_candidate, recruiter, inbox)
    assert expiry.ask_talent_pool_renewal(now=ends - 31 * DAY, actor="system") == 0
    assert expiry.ask_talent_pool_renewal(now=ends - 29 * DAY, actor="system") == 1
    db.session.commit()
    assert expiry.ask_talent_pool_renewal(now=ends - 20 * DAY, actor="system") == 0
    assert expiry.run_expiry(now=ends - 2 * DAY)["renewal_asked"] == 0
    db.session.commit()
    path = renewal_link(inbox)
    page = client.get(path)
    assert page.status_code == 200 and "Renew for a year" in page.get_data(as_text=True)
    assert client.post(path, data={"answer": "nonsense"}).status_code == 400
    renewed = client.post(path, data={"answer": "renew"}, follow_redirects=True)
    assert renewed.status_code == 200
    assert "for another year" in renewed.get_data(as_text=True)
    assert f'href="{path}"' in renewed.get_data(as_text=True)  # the portal links to it
    db.session.rollback()
    subject = db.session.get(Subject, case_candidate.subject_id)
    assert subject.erase_after > utcnow() + 364 * DAY > ends + 300 * DAY
    assert pool_records(db, subject.id) == [ConsentDecision.GIVEN, ConsentDecision.GIVEN]
    given = events(db, AuditAction.CONSENT_GIVEN)[-1]
    assert given.actor == "candidate" and given.details["purpose"] == "talent_pool"
    [asked_event] = events(db, AuditAction.TALENT_POOL_RENEWAL_ASKED)
    assert asked_event.actor == "system"
    # The old year's end passes without effect; the new year is asked about in its turn.
    assert subject.erase_after > ends + 300 * DAY
    assert expiry.lapse_talent_pool(now=ends + DAY, actor="system") == 0
    assert expiry.ask_talent_pool_renewal(now=subject.erase_after - 29 * DAY) == 1
    db.session.commit()
    assert len(inbox.messages) == 2


def test_no_answer_by_the_end_erases_the_pool_and_leaves_a_tombstone(db, recruiter,
                                                                     case_candidate, inbox):
    ends = in_talent_pool(db, case_candidate, recruiter, inbox)
    cid, sid = case_candidate.id, case_candidate.subject_id
    assert expiry.ask_talent_pool_renewal(now=ends - 29 * DAY, actor="system") == 1
    db.session.commit()
    assert expiry.lapse_talent_pool(now=ends - 2 * DAY, actor="system") == 0
    assert expiry.lapse_talent_pool(now=ends, actor="system") == 1
    db.session.commit()  # erased as this commits
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None and db.session.get(Subject, sid) is None
    record = db.session.get(CaseRecord, cid)
    assert record.state == CaseState.ERASED and record.why == "talent_pool"
    [lapsed] = events(db, AuditAction.CONSENT_EXPIRED)
    assert lapsed.details["purpose"] == "talent_pool" and lapsed.actor == "system"
    erased = events(db, AuditAction.SUBJECT_ERASED)[-1]
    assert erased.details == {"reason": "talent_pool"}
    assert len(inbox.messages) == 1  # the renewal request only


def test_the_renewal_page_is_only_for_the_talent_pool(client, db, recruiter, case_candidate,
                                                     inbox):
    from compliance import tokens
    from screening.case import PORTAL_LIFETIME

    asked(db, case_candidate, recruiter, inbox)
    answer_consent(case_candidate, [SourceAnswer("rss", "https://blog.example.org/feed.xml",
                                                 True)], talent_pool=True)
    raw = tokens.issue(case_candidate.subject, tokens.Purpose.PORTAL, PORTAL_LIFETIME)
    db.session.commit()
    # Not decided yet: the data is not kept for the pool, so there is nothing to renew.
    assert "talent-pool" not in client.get(f"/portal/{raw}").get_data(as_text=True)
    assert client.get(f"/portal/{raw}/talent-pool").status_code == 404
    assert client.post(f"/portal/{raw}/talent-pool", data={"answer": "renew"}).status_code == 404


def test_declining_renewal_erases_at_once(client, db, recruiter, case_candidate, inbox):
    ends = in_talent_pool(db, case_candidate, recruiter, inbox)
    cid = case_candidate.id
    assert expiry.ask_talent_pool_renewal(now=ends - 29 * DAY) == 1
    db.session.commit()
    path = renewal_link(inbox)
    done = client.post(path, data={"answer": "decline"})
    assert done.status_code == 200 and "Your data has been erased" in done.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None
    assert db.session.get(CaseRecord, cid).why == "consent_declined"
    declined = events(db, AuditAction.CONSENT_DECLINED)[-1]
    assert declined.details["purpose"] == "talent_pool"
    assert client.get(path).status_code == 404  # nothing left to renew


def test_a_dutch_candidate_is_reminded_and_asked_in_dutch(client, db, recruiter, make_vacancy,
                                                          make_candidate, inbox):
    vacancy = make_vacancy(owner=recruiter, allowed_sources=["rss"])
    candidate = make_candidate(vacancy, email="sanne@example.org", language="nl")
    asked(db, candidate, recruiter, inbox)
    assert expiry.remind_unanswered(now=utcnow() + 11 * DAY + timedelta(minutes=5)) == 1
    db.session.commit()
    [mail] = mails(inbox)
    assert mail["Subject"].startswith("Herinnering: mogen we je openbare berichten bekijken")
    assert "Dit is de enige herinnering." in mail.get_body().get_content()
    inbox.messages.clear()
    db.session.rollback()
    candidate = db.session.get(Candidate, candidate.id)
    answer_consent(candidate, [SourceAnswer("rss", "https://blog.example.org/feed.xml", True)],
                   talent_pool=True)
    decide(candidate, Decision.HIRED, actor=recruiter)
    db.session.commit()
    assert expiry.ask_talent_pool_renewal(now=utcnow() + 340 * DAY) == 1
    db.session.commit()
    [mail] = mails(inbox)
    assert mail["Subject"] == "Zullen we je nog een jaar in onze talentenpool houden?"
    [link] = LINK.findall(mail.get_body().get_content())
    page = client.get(link.split("127.0.0.1:5000", 1)[-1]).get_data(as_text=True)
    assert "Je toestemming voor de talentenpool" in page and "Met een jaar verlengen" in page


def test_the_command_reminds_once(runner, db, recruiter, case_candidate, inbox):
    from compliance import retention

    asked(db, case_candidate, recruiter, inbox)
    # The request went out 11 days and an hour ago: it expires in 3 days less an hour.
    retention.schedule(case_candidate.subject, utcnow() + 3 * DAY,
                       RetentionReason.CONSENT_UNANSWERED)
    db.session.commit()
    first = runner.invoke(args=["case", "expire"])
    again = runner.invoke(args=["case", "expire"])
    assert first.exit_code == 0 and first.output.startswith("1 reminders sent, 0 unanswered")
    assert again.exit_code == 0 and again.output.startswith("0 reminders sent")
    assert len(inbox.messages) == 1
