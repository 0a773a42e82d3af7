"""The case end to end through the pages: consent, run, review, hearing, rights."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import text

from compliance.audit import AuditAction, AuditEvent
from compliance.consent import ConsentDecision, ConsentRecord
from compliance.db import utcnow
from compliance.outbox import OutboxMessage
from compliance.staff_mail import StaffMailSubject
from compliance.subjects import Subject
from screening.models import Candidate
from screening.runs import Finding, RunStatus, ScreeningRun
from tests.conftest import log_in
from tests.screening.case.conftest import RELEVANT, WITHHELD

REJECTION = {"decision": "rejected",
             "reasons": "Another candidate had more Django experience."}


def links(db, kind: str) -> dict[str, str]:
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                 .order_by(OutboxMessage.id.desc())).first()
    pairs = re.findall(r"https?://[^/]+/(consent|portal)/([\w-]+)", str(message.body))
    found = dict(reversed(pairs))  # the first link of each kind wins
    return {k: f"/{k}/{v}" for k, v in found.items()}


def actions(db) -> list[str]:
    db.session.rollback()
    return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq))]


def ask_and_agree(client, db, login, recruiter, candidate, feed_url, talent_pool=False):
    login(recruiter)
    response = client.post(f"/candidates/{candidate.id}/consent-request")
    assert response.status_code == 302
    consent_link = links(db, "consent_request")["consent"]
    form = {"agree-rss": "yes", "account-rss": feed_url, "agree-github": "no",
            "agree-x-archive": "no"}
    if talent_pool:
        form["talent_pool"] = "1"
    answer = client.post(consent_link, data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:800]
    return consent_link, answer.headers["Location"]


def test_consent_page_states_everything_the_candidate_must_know(client, db, login, recruiter,
                                                                case_candidate):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert message.recipient == "jamie@example.org" and "14 days" in message.body
    page = client.get(links(db, "consent_request")["consent"]).get_data(as_text=True)
    for words in ["Who asks", "data protection officer", "Backend developer",
                  "Purpose: Check published work.", "Less intrusive alternatives",
                  "from the last 3 years", "are withheld", "erased 28 days after the decision",
                  "object to this processing", "no effect on your application",
                  "Talent pool", "Decline everything"]:
        assert words in page, words
    raw = db.session.execute(text("SELECT recipient, body FROM outbox_message")).one()
    assert "jamie@example.org" not in raw[0] and "Jamie" not in raw[1]  # encrypted at rest


def test_dutch_candidate_gets_dutch_mail_and_page(client, db, login, recruiter, make_vacancy,
                                                   make_candidate):
    candidate = make_candidate(make_vacancy(owner=recruiter), language="nl")
    login(recruiter)
    client.post(f"/candidates/{candidate.id}/consent-request")
    message = db.session.scalars(db.select(OutboxMessage)).one()
    assert "Beste" in message.body and "14 dagen" in message.body
    page = client.get(links(db, "consent_request")["consent"]).get_data(as_text=True)
    assert "Weigeren heeft geen gevolgen voor je sollicitatie." in page


def test_full_case_from_consent_to_erasure(client, db, login, recruiter, case_candidate, blog):
    consent_link, portal = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    records = db.session.scalars(db.select(ConsentRecord).order_by(ConsentRecord.id)).all()
    assert [(r.source_kind, r.decision) for r in records] == [
        ("rss", ConsentDecision.GIVEN), ("github", ConsentDecision.DECLINED),
        ("x-archive", ConsentDecision.DECLINED)]
    assert records[0].account == blog and "Who asks" in records[0].notice_text
    assert client.get(consent_link).status_code == 404  # the link is single-use
    assert str(db.session.get(Subject, case_candidate.subject_id).erase_reason) == "undecided"

    assert client.post(f"/candidates/{case_candidate.id}/screening").status_code == 302
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.status == RunStatus.DONE, run.error
    assert run.counts["rss"]["looked_at"] == 3 and run.counts["rss"]["shown"] == 1
    assert run.counts["rss"]["withheld"] == {"health": 1}
    finding = db.session.scalars(db.select(Finding)).one()
    assert "Django" in finding.excerpt and "Pieter de Jong" not in finding.excerpt
    assert "jan.smit@example.com" not in finding.excerpt

    review = client.get(f"/candidates/{case_candidate.id}/findings").get_data(as_text=True)
    assert "A decision may not rest on this alone." in review
    assert ("3 posts looked at, 1 shown, 1 withheld as special-category data, 1 not relevant, "
            "0 not assessed (language).") in review
    assert "burn-out" not in review and "Scheveningen" not in review
    assert AuditAction.FINDINGS_VIEWED in actions(db)

    notice = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "screened_notice")).one()
    assert "3 posts looked at" in notice.body and blog in notice.body
    portal_link = links(db, "screened_notice")["portal"]
    page = client.get(portal_link).get_data(as_text=True)
    assert "Django" in page and "Erase my data now" in page

    rejected = client.post(f"/candidates/{case_candidate.id}/decision",
                           data=REJECTION)
    assert rejected.status_code == 422
    assert "comment window" in rejected.get_data(as_text=True)
    client.post(f"{portal_link}/findings/{finding.id}/context",
                data={"context": "That migration was a team effort; I led the testing part."})
    review = client.get(f"/candidates/{case_candidate.id}/findings").get_data(as_text=True)
    assert "I led the testing part." in review
    # Context on one finding does not close the window: the candidate may comment on each.
    still = client.post(f"/candidates/{case_candidate.id}/decision", data=REJECTION)
    assert still.status_code == 422 and "until" in still.get_data(as_text=True)
    client.post(f"{portal_link}/waive")
    assert client.post(f"/candidates/{case_candidate.id}/decision",
                       data=REJECTION).status_code == 302

    assert client.get(f"{portal_link}/access").status_code == 200
    pdf = client.get(f"{portal_link}/access.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    copy = client.get(f"{portal_link}/data.json").get_json()
    assert copy["candidate"]["email"] == "jamie@example.org" and copy["findings"]

    erased = client.post(f"{portal_link}/rights", data={"right": "erasure", "confirm": "yes"})
    assert "Your data has been erased." in erased.get_data(as_text=True)
    db.session.rollback()
    for model in (Candidate, Finding, ConsentRecord, ScreeningRun):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0, model
    # What is left is the recruiter's own mail, under their own subject, naming no candidate.
    staff = db.select(StaffMailSubject.subject_id)
    assert db.session.scalar(db.select(db.func.count()).select_from(Subject)
                             .where(Subject.id.not_in(staff))) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.subject_id.not_in(staff))) == 0
    assert actions(db)[-4:] == [AuditAction.RIGHTS_REQUESTED, AuditAction.CASE_MOVED,
                                AuditAction.RIGHTS_RESOLVED, AuditAction.SUBJECT_ERASED]
    assert client.get(portal_link).status_code == 404
    raw = " ".join(str(row) for row in db.session.execute(text("SELECT * FROM audit_event")))
    assert WITHHELD not in raw and "jamie" not in raw.lower() and RELEVANT[:20] not in raw


@pytest.mark.parametrize("bad", ["forged", "consent-as-portal", "expired", "other-candidate"])
def test_bad_links_answer_404_and_change_nothing(client, db, login, recruiter, case_candidate,
                                                 make_candidate, bad):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    consent_link = links(db, "consent_request")["consent"]
    other = make_candidate(case_candidate.vacancy, email="other@example.org")
    client.post(f"/candidates/{other.id}/consent-request")
    other_portal = links(db, "consent_request")["portal"]
    target = {"forged": "/consent/" + "A" * 43,
              "consent-as-portal": consent_link.replace("/consent/", "/portal/"),
              "expired": consent_link,
              # another candidate's link cannot reach this candidate's findings
              "other-candidate": other_portal + "/findings/1/context"}[bad]
    if bad == "expired":
        db.session.execute(text("UPDATE access_token SET expires_at = :t"),
                           {"t": (utcnow() - timedelta(seconds=1)).replace(tzinfo=None)})
        db.session.commit()
    before = actions(db)
    if bad != "other-candidate":
        assert client.get(target).status_code == 404
    post_to = target + "/withdraw" if bad == "consent-as-portal" else target
    assert client.post(post_to, data={"agree-rss": "yes"}).status_code == 404
    assert actions(db) == before


def test_declining_everything_erases_the_case(client, db, login, recruiter, case_candidate):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    page = client.post(links(db, "consent_request")["consent"], data={"decline_all": "1"})
    assert "Nothing is looked at, and your application goes on as before." in \
        page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 0
    assert AuditAction.CONSENT_DECLINED in actions(db)


def test_wrong_account_form_is_shown_next_to_the_field(client, db, login, recruiter,
                                                       case_candidate):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    link = links(db, "consent_request")["consent"]
    response = client.post(link, data={"agree-rss": "yes", "account-rss": "not a url"})
    assert response.status_code == 422
    assert 'id="account-rss-error"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ConsentRecord)) == 0


def test_run_refuses_without_consent(client, db, login, recruiter, case_candidate):
    login(recruiter)
    response = client.post(f"/candidates/{case_candidate.id}/screening")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(ScreeningRun)) == 0


def test_withdrawal_during_a_run_stops_it_and_keeps_nothing(app, client, db, login, recruiter,
                                                            case_candidate, server):
    from tests.screening.case.conftest import POSTS, feed
    from tests.screening.sources.conftest import reply

    portal = {}

    def withdraw_then_serve(handler):
        if "link" in portal:  # not at the consent page's check, only during the run
            app.test_client().post(f"{portal['link']}/withdraw")
        reply(handler, 200, feed(POSTS), "application/rss+xml")

    url = server.route("/slow.xml", withdraw_then_serve)
    _consent, portal["link"] = ask_and_agree(client, db, login, recruiter, case_candidate, url)
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Candidate)) == 0
    assert AuditAction.CONSENT_WITHDRAWN in actions(db)
    assert AuditAction.SCREENING_COMPLETED not in actions(db)


def test_legal_hold_keeps_an_erasure_request_waiting(client, db, login, recruiter, make_user,
                                                     case_candidate, blog, app):
    from compliance import rights
    from compliance.accounts import Role

    _consent, portal = ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    legal = make_user(Role.LEGAL)
    legal_client = app.test_client()
    log_in(legal_client, legal)
    page = legal_client.get(f"/candidates/{case_candidate.id}").get_data(as_text=True)
    assert "Place a legal hold" in page
    legal_client.post("/legal/rights/holds", data={"subject_id": case_candidate.subject_id,
                                                   "reason": "Pending court case"})
    assert rights.held(case_candidate.subject) is not None
    response = client.post(f"{portal}/rights", data={"right": "objection", "confirm": "yes"})
    assert response.status_code == 302
    page = legal_client.get("/legal/rights").get_data(as_text=True)
    assert "Objection" in page and "On legal hold" in page and "Pending court case" in page
    assert "on_hold" not in page
    request_id = db.session.scalars(db.select(rights.RightsRequest)).one().id
    subject_id = case_candidate.subject_id
    legal_client.post(f"/legal/rights/{request_id}/resolve", data={"note": "Case settled"})
    db.session.rollback()
    assert db.session.get(Subject, subject_id) is None  # erased on release
    assert client.get("/legal/rights").status_code == 403  # recruiters may not see it


def test_no_consent_request_before_the_controller_is_named(client, db, login, recruiter,
                                                           case_candidate):
    from compliance.organisation import update_settings

    update_settings({"controller_name": "", "dpo_contact": ""}, actor="system")
    db.session.commit()
    login(recruiter)
    page = client.post(f"/candidates/{case_candidate.id}/consent-request", follow_redirects=True)
    assert "must first fill in the controller" in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_a_retried_run_does_nothing_twice(client, db, login, recruiter, case_candidate, blog):
    from screening.runs import run_screening

    ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    client.post(f"/candidates/{case_candidate.id}/screening")
    client.post(f"/candidates/{case_candidate.id}/screening")  # a double click
    db.session.rollback()
    runs = db.session.scalars(db.select(ScreeningRun)).all()
    assert len(runs) == 2 and all(r.status == RunStatus.DONE for r in runs)
    before = actions(db)
    assert run_screening(runs[0].id) == RunStatus.DONE  # a retried task
    assert actions(db) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 1


def test_talent_pool_consent_keeps_the_data_a_year_after_the_decision(client, db, login,
                                                                       recruiter, case_candidate,
                                                                       blog):
    ask_and_agree(client, db, login, recruiter, case_candidate, blog, talent_pool=True)
    client.post(f"/candidates/{case_candidate.id}/decision", data={"decision": "hired"})
    db.session.rollback()
    subject = db.session.get(Subject, case_candidate.subject_id)
    assert subject.erase_after - utcnow() > timedelta(days=360)
    assert str(subject.erase_reason) == "talent_pool"


def test_every_email_carries_a_withdraw_link(client, db, login, recruiter, case_candidate):
    login(recruiter)
    client.post(f"/candidates/{case_candidate.id}/consent-request")
    body = str(db.session.scalars(db.select(OutboxMessage)).one().body)
    withdraw = re.search(r"https?://[^/]+(/portal/[\w-]+/withdraw)", body).group(1)
    page = client.get(withdraw).get_data(as_text=True)
    assert "Withdraw now" in page


def test_an_unexpected_error_ends_the_run_as_failed(client, db, login, recruiter, case_candidate,
                                                    blog, monkeypatch, caplog):
    from screening import runs

    ask_and_agree(client, db, login, recruiter, case_candidate, blog)

    def broken(posts, candidate, criteria):
        raise RuntimeError("Jamie's post text must never reach the log")

    monkeypatch.setattr(runs, "_classify", broken)
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert (run.status, run.error) == (RunStatus.FAILED, "internal_error")
    assert "Jamie" not in caplog.text and "RuntimeError" in caplog.text
    page = client.get(f"/candidates/{case_candidate.id}/run").get_data(as_text=True)
    assert "Failed: an error on our side" in page and "internal_error" not in page
