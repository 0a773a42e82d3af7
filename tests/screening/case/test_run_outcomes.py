"""Runs say per source `ok`, `empty` or `failed`; a run with nothing read changes nothing."""

import pytest

from compliance.api_tokens import create_token
from compliance.audit import AuditAction
from compliance.outbox import OutboxMessage
from screening.lifecycle import CaseState
from screening.models import Candidate
from screening.runs import RunStatus, ScreeningRun, latest_done_run, latest_run
from tests.screening.case.conftest import FAST, feed
from tests.screening.case.test_case_flow import actions, links
from tests.screening.sources.conftest import reply

WEB_PAGE = b"<!doctype html><html><head><title>Jamie</title></head><body>Hi!</body></html>"


@pytest.fixture
def app_config(server):
    return {"SOURCE_CLIENT_SETTINGS": FAST, "SOURCE_BASE_URLS": {"github": server.url("")}}


@pytest.fixture
def web_page(server) -> str:
    """A feed address that answers with a web page, as many blogs' home pages do."""
    return server.route("/home", lambda h: reply(h, 200, WEB_PAGE, "text/html"))


def agree(client, db, login, recruiter, candidate, rss: str, github: str | None = None):
    login(recruiter)
    assert client.post(f"/candidates/{candidate.id}/consent-request").status_code == 302
    form = {"agree-rss": "yes", "account-rss": rss, "agree-x-archive": "no",
            "agree-github": "yes" if github else "no", "account-github": github or "",
            # The run's own failures are under test: the accounts are kept as typed even where
            # the consent page's check finds they do not answer.
            "keep-rss": "1", "keep-github": "1"}
    answer = client.post(links(db, "consent_request")["consent"], data=form)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return answer.headers["Location"]


def kinds(db) -> list[str]:
    db.session.rollback()
    # The candidate's mail; the recruiters' own notices are test_staff_notices.py's.
    return [m.kind for m in db.session.scalars(db.select(OutboxMessage).order_by(
        OutboxMessage.id)) if not m.kind.startswith("staff_")]


def test_a_run_where_every_source_failed_changes_nothing_and_asks_for_a_correction(
        client, db, login, recruiter, case_candidate, web_page, blog):
    portal = agree(client, db, login, recruiter, case_candidate, web_page)
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert (run.status, run.error) == (RunStatus.FAILED, "all_sources_failed")
    assert run.progress["rss"] == {"state": "failed", "failure": "garbage"}
    assert db.session.get(Candidate, case_candidate.id).state == CaseState.CONSENTED
    assert db.session.get(Candidate, case_candidate.id).notified_at is None  # no window
    assert kinds(db) == ["consent_request", "correct_accounts"]  # no Art. 14 notice
    assert AuditAction.SCREENING_COMPLETED not in actions(db)

    page = client.get(f"/candidates/{case_candidate.id}/run").get_data(as_text=True)
    assert "no source could be read" in page and "something other than posts" in page
    assert "Nothing that bears on the job" not in page
    assert "Read the findings" not in page

    mail = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "correct_accounts")).one()
    assert "could be read" in mail.body and "/portal/" in mail.body
    home = client.get(portal).get_data(as_text=True)
    assert "We could not read your accounts" in home and "What was found" not in home
    wrong = client.post(f"{portal}/accounts", data={"account-rss": "not a url"})
    assert wrong.status_code == 422
    fixed = client.post(f"{portal}/accounts", data={"account-rss": blog})
    assert fixed.status_code == 302

    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    assert db.session.get(Candidate, case_candidate.id).state == CaseState.SCREENED
    assert kinds(db)[-1] == "screened_notice"


def test_a_partly_failed_run_says_which_sources_are_missing(
        client, db, login, recruiter, case_candidate, blog):
    agree(client, db, login, recruiter, case_candidate, blog, github="octocat")
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.status == RunStatus.DONE
    assert run.progress["rss"] == {"state": "ok", "posts": 3}
    assert run.progress["github"] == {"state": "failed", "failure": "not_found"}
    for path in ("", "/run", "/findings"):
        page = client.get(f"/candidates/{case_candidate.id}{path}").get_data(as_text=True)
        assert "Not read in this screening" in page and "GitHub" in page, path
    notice = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "screened_notice")).one()
    assert "could not be read" in notice.body and "GitHub" in notice.body
    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    answer = client.get(f"/api/v1/screening-runs/{run.id}",
                        headers={"Authorization": f"Bearer {raw}"}).get_json()
    assert answer["missing_sources"] == ["github"]


def test_an_empty_source_is_read_not_failed(client, db, login, recruiter, case_candidate,
                                            server):
    empty = server.route("/empty.xml", lambda h: reply(h, 200, feed([]), "application/rss+xml"))
    agree(client, db, login, recruiter, case_candidate, empty)
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.status == RunStatus.DONE and run.progress["rss"] == {"state": "empty", "posts": 0}
    page = client.get(f"/candidates/{case_candidate.id}/run").get_data(as_text=True)
    assert "no posts in the period" in page and "Not read in this screening" not in page


def test_a_failed_rerun_keeps_the_earlier_results(client, db, login, recruiter, case_candidate,
                                                  blog, server):
    portal = agree(client, db, login, recruiter, case_candidate, blog)
    client.post(f"/candidates/{case_candidate.id}/screening")
    server.route("/feed.xml", lambda h: reply(h, 200, WEB_PAGE, "text/html"))  # now broken
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    runs = db.session.scalars(db.select(ScreeningRun).order_by(ScreeningRun.id)).all()
    assert [r.status for r in runs] == [RunStatus.DONE, RunStatus.FAILED]
    assert db.session.get(Candidate, case_candidate.id).state == CaseState.SCREENED
    page = client.get(f"/candidates/{case_candidate.id}").get_data(as_text=True)
    assert "Read the findings" in page
    home = client.get(portal).get_data(as_text=True)
    assert "We could not read your accounts" in home and "Django" in home
    assert kinds(db) == ["consent_request", "screened_notice", "correct_accounts"]


def test_the_latest_run_with_results_is_the_latest_run_when_it_gave_them(db, case_candidate):
    """A page that shows the latest run also asks for the latest that gave results: when the
    latest is done, that is it (no query); when it failed, the one before that was done."""
    assert latest_done_run(case_candidate, None) is None
    done = ScreeningRun(candidate=case_candidate, status=RunStatus.DONE)
    db.session.add(done)
    db.session.flush()
    assert latest_done_run(case_candidate, done) is done
    failed = ScreeningRun(candidate=case_candidate, status=RunStatus.FAILED,
                          error="all_sources_failed")
    db.session.add(failed)
    db.session.flush()
    assert latest_run(case_candidate) is failed
    assert latest_done_run(case_candidate, failed) is done
    assert latest_done_run(case_candidate, failed) is latest_run(case_candidate, done=True)
