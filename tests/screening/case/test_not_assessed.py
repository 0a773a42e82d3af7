"""Posts in a language without a pipeline: counted, never shown, and the candidate is told;
and which rule or model label decided each post, counted in the audit event."""

from datetime import UTC, datetime, timedelta

import pytest

from compliance import tokens
from compliance.api_tokens import create_token
from compliance.audit import AuditAction, AuditEvent
from compliance.outbox import OutboxMessage
from compliance.tokens import Purpose
from screening import runs
from screening.case import PORTAL_LIFETIME
from screening.classifier import Outcome, SpecialCategory, Verdict
from screening.lifecycle import CaseState
from screening.runs import Finding, RunStatus, ScreeningRun, get_classifier, rule_counts, summarise
from screening.sources import SourceKind
from screening.sources.posts import Post
from tests.compliance.reports.conftest import pdf_text
from tests.screening.case.conftest import POSTS, feed
from tests.screening.case.test_case_flow import ask_and_agree, links
from tests.screening.sources.conftest import reply

FRENCH = ["Superbe randonnée ce week-end dans les Vosges avec toute la famille, quel bonheur !",
          "Je cherche des recommandations de restaurants à Lyon pour samedi soir entre amis."]
TOTALS_EN = ("3 posts looked at, 1 shown, 1 withheld as special-category data, 1 not relevant, "
             "2 not assessed (language).")
TOLD_EN = ("2 posts were written in a language Fairscreen does not assess, so they were not "
           "looked at or shown.")
TOLD_NL = ("2 berichten waren geschreven in een taal die Fairscreen niet beoordeelt; daarom "
           "zijn ze niet bekeken en niet getoond.")


@pytest.fixture
def multilingual_blog(server) -> str:
    """The case's three English posts and two in French, a language without a pipeline."""
    body = feed([*POSTS, *FRENCH])
    return server.route("/multi.xml", lambda h: reply(h, 200, body, "application/rss+xml"))


@pytest.fixture(autouse=True)
def no_french_pipeline(monkeypatch):
    """Whatever the classifier makes of French today, the run gets the not-assessed verdict."""
    real = runs._classify

    def classify(posts, candidate, criteria):
        return [Verdict(Outcome.NOT_ASSESSED, language="fr", decided_by="language:fr")
                if any(text[:40] in post.text for text in FRENCH) else verdict
                for post, verdict in zip(posts, real(posts, candidate, criteria), strict=True)]

    monkeypatch.setattr(runs, "_classify", classify)


def completed(db) -> AuditEvent:
    db.session.rollback()
    return db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.SCREENING_COMPLETED)).one()


def notice(db) -> str:
    return str(db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "screened_notice")).one().body)


def test_posts_in_other_languages_are_counted_and_never_shown(client, db, login, recruiter,
                                                             case_candidate, multilingual_blog):
    _consent, _portal = ask_and_agree(client, db, login, recruiter, case_candidate,
                                      multilingual_blog)
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.status == RunStatus.DONE, run.error
    tally = run.counts["rss"]
    assert (tally["looked_at"], tally["shown"], tally["not_assessed"]) == (3, 1, 2)
    assert tally["looked_at"] == tally["shown"] + tally["irrelevant"] + sum(
        tally["withheld"].values())
    assert summarise(run.counts)["not_assessed"] == 2

    event = completed(db)
    assert event.details["not_assessed"] == 2 and event.details["looked_at"] == 3
    assert event.details["decided_by"]["language:fr"] == 2
    assert sum(event.details["decided_by"].values()) == 5  # every own post, once
    # The screening records which classifier decided: the model's recorded checksum.
    assert event.details["classifier"] == get_classifier().version != ""
    for text in [*POSTS, *FRENCH]:
        assert text[:20] not in event.details_json

    candidate_page = client.get(f"/candidates/{case_candidate.id}").get_data(as_text=True)
    run_page = client.get(f"/candidates/{case_candidate.id}/run").get_data(as_text=True)
    findings = client.get(f"/candidates/{case_candidate.id}/findings").get_data(as_text=True)
    for page in (candidate_page, run_page, findings):
        assert TOTALS_EN in page
    for text in FRENCH:
        assert text[:20] not in findings
    assert db.session.scalar(db.select(db.func.count()).select_from(Finding)) == 1

    body = notice(db)
    assert TOLD_EN in body
    portal = links(db, "screened_notice")["portal"]
    for path in ("", "/access"):
        page = client.get(portal + path).get_data(as_text=True)
        assert TOLD_EN in page, path
        assert FRENCH[0][:20] not in page
    assert TOLD_EN in pdf_text(client.get(f"{portal}/access.pdf").data)


def test_a_dutch_candidate_is_told_in_dutch(client, db, login, recruiter, make_candidate,
                                            case_candidate, multilingual_blog):
    candidate = make_candidate(case_candidate.vacancy, email="noor@example.org", language="nl")
    ask_and_agree(client, db, login, recruiter, candidate, multilingual_blog)
    client.post(f"/candidates/{candidate.id}/screening")
    db.session.rollback()
    body = notice(db)
    assert TOLD_NL in body and "Fairscreen does not assess" not in body
    page = client.get(links(db, "screened_notice")["portal"]).get_data(as_text=True)
    assert TOLD_NL in page


def test_nothing_is_said_when_every_post_was_assessed(client, db, login, recruiter,
                                                       case_candidate, blog):
    ask_and_agree(client, db, login, recruiter, case_candidate, blog)
    client.post(f"/candidates/{case_candidate.id}/screening")
    db.session.rollback()
    assert "does not assess" not in notice(db)
    assert completed(db).details["not_assessed"] == 0
    page = client.get(links(db, "screened_notice")["portal"]).get_data(as_text=True)
    assert "does not assess" not in page


def test_counts_stored_before_not_assessed_existed_still_render(client, db, login, recruiter,
                                                               case_candidate):
    """A run stored before the two keys existed: treated as nothing not assessed."""
    old = {"rss": {"looked_at": 2, "shown": 1, "irrelevant": 0, "withheld": {"health": 1}}}
    run = ScreeningRun(candidate=case_candidate, status=RunStatus.DONE, progress={
        "rss": {"state": "done", "posts": 2}}, counts=old)
    db.session.add(run)
    portal = tokens.issue(case_candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    db.session.commit()
    assert summarise(old)["not_assessed"] == 0 and rule_counts(old) == {}

    login(recruiter)
    shown = ("2 posts looked at, 1 shown, 1 withheld as special-category data, 0 not relevant, "
             "0 not assessed (language).")
    for path in ("", "/run", "/findings"):
        response = client.get(f"/candidates/{case_candidate.id}{path}")
        assert response.status_code == 200 and shown in response.get_data(as_text=True), path
    for path in ("", "/access"):
        response = client.get(f"/portal/{portal}{path}")
        assert response.status_code == 200, path
        assert "does not assess" not in response.get_data(as_text=True)
    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    answer = client.get(f"/api/v1/screening-runs/{run.id}",
                        headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 200 and answer.get_json()["totals"]["not_assessed"] == 0


def own(text: str, *, is_own: bool = True) -> Post:
    return Post(SourceKind.RSS, "https://blog.example.org/feed", "https://blog.example.org/p/1",
                datetime.now(UTC) - timedelta(days=2), text, is_own=is_own)


def test_every_own_post_is_counted_under_the_rule_that_decided_it(db, case_candidate):
    case_candidate.state = CaseState.SCREENING  # a run in flight, set up without fetching
    run = ScreeningRun(candidate=case_candidate, status=RunStatus.RUNNING, progress={},
                       counts={})
    db.session.add(run)
    db.session.flush()
    verdicts = [
        Verdict(Outcome.WITHHELD, categories=(SpecialCategory.HEALTH,),
                decided_by="lexicon:health"),
        Verdict(Outcome.WITHHELD, categories=(SpecialCategory.CRIMINAL,),
                decided_by="model:criminal"),
        Verdict(Outcome.RELEVANT, matched=("Django",), excerpt="Shipped Django.",
                decided_by="relevance:criteria"),
        Verdict(Outcome.IRRELEVANT, decided_by="relevance:none"),
        Verdict(Outcome.IRRELEVANT, decided_by="relevance:none"),
        Verdict(Outcome.NOT_ASSESSED, language="fr", decided_by="language:fr"),
        Verdict(Outcome.IRRELEVANT),  # a classifier that did not say
        Verdict(Outcome.RELEVANT, matched=("Django",), excerpt="Quoted.",
                decided_by="relevance:criteria"),  # a repost: not the candidate's, not counted
    ]
    posts = [own(f"post {i}", is_own=i < 7) for i in range(len(verdicts))]
    tallies = runs._store(run, posts, verdicts, {"rss"})
    counts = {kind: tally.as_dict() for kind, tally in tallies.items()}
    assert counts["rss"]["looked_at"] == 6 and counts["rss"]["not_assessed"] == 1
    assert rule_counts(counts) == {"language:fr": 1, "lexicon:health": 1, "model:criminal": 1,
                                 "relevance:criteria": 1, "relevance:none": 2, "unspecified": 1}
    run.counts = counts
    runs._finish(run, RunStatus.DONE)
    event = completed(db)
    assert event.details["decided_by"] == rule_counts(counts)
    assert (event.details["looked_at"], event.details["not_assessed"]) == (6, 1)
