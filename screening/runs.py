"""The screening run: fetch the confirmed accounts, classify, keep only minimised findings."""

import enum
import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Integer, String, delete, exists, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from compliance import audit, consent, policy
from compliance.audit import AuditAction
from compliance.db import UTCDateTime, db, str_enum, utcnow
from compliance.oncommit import after_commit
from compliance.queue import enqueue, task
from screening import classifier as nlp
from screening import run_leases as leases
from screening import staff_notices
from screening.case import agreed_scope, ask_to_correct, notify_screened
from screening.classifier.commands import get_classifier
from screening.criminal_records import classifier_vacancy
from screening.findings import Finding
from screening.lifecycle import Action, CaseState, check, move
from screening.models import Candidate
from screening.sources import (
    ArchiveLimits,
    ClientSettings,
    GuardedClient,
    SourceError,
    SourceKind,
    Window,
    fetch_source,
    read_export_with_skips,
)
from screening.tallies import SourceTally, rule_counts, summarise

log = logging.getLogger(__name__)
PUBLIC_KINDS = {SourceKind.RSS, SourceKind.MASTODON, SourceKind.ACTIVITYPUB, SourceKind.GITHUB,
                SourceKind.BLUESKY}
# Platforms without a public interface: the candidate uploads their own export in the portal.
EXPORT_KINDS = [SourceKind.X_ARCHIVE.value, SourceKind.LINKEDIN_EXPORT.value,
                SourceKind.MASTODON_ARCHIVE.value]


class SourceOutcome(enum.StrEnum):
    """What became of one source in a run; a failure also names its `Failure` code."""

    WAITING = "waiting"
    FETCHING = "fetching"
    OK = "ok"
    EMPTY = "empty"
    FAILED = "failed"


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STOPPED = "stopped"


class ScreeningRun(db.Model):
    __tablename__ = "screening_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"),
                                              index=True)
    status: Mapped[RunStatus] = mapped_column(str_enum(RunStatus), default=RunStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(String(40))
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The criteria, sources and lookback the candidate agreed to: the run uses only these.
    agreed: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[Candidate] = relationship()


class ConsentMissing(RuntimeError):
    """No standing consent covers the run: nothing may be fetched."""


def consented_sources(candidate: Candidate,
                      agreed: dict[str, Any] | None = None) -> dict[str, str | None]:
    """Return the sources with a standing consent that were in the agreed terms and that the
    vacancy still allows: never more than either."""
    terms = agreed or agreed_scope(candidate) or {"sources": []}
    allowed = set(candidate.vacancy.allowed_sources) & set(terms["sources"])
    return {kind: account for kind, (account, _) in consent.current(candidate.subject).items()
            if kind in allowed}


def queue_run(candidate: Candidate, *, actor) -> ScreeningRun:
    """Queue a run after checking the case and consent; it is enqueued after the commit."""
    active = db.session.scalar(select(ScreeningRun).where(
        ScreeningRun.candidate_id == candidate.id,
        ScreeningRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING])))
    if active is not None:
        return active  # a double click starts nothing twice
    to = check(candidate, Action.SCREEN)  # a decided case is never screened again
    agreed = agreed_scope(candidate)
    sources = {k: a for k, a in consented_sources(candidate, agreed).items() if k in PUBLIC_KINDS}
    if not sources:
        raise ConsentMissing("no public source with consent")
    run = ScreeningRun(candidate=candidate, status=RunStatus.QUEUED, agreed=agreed,
                       progress={k: {"state": SourceOutcome.WAITING.value} for k in
                                 sorted(sources)}, counts={})
    db.session.add(run)
    db.session.flush()
    move(candidate, to, actor=actor, reason=Action.SCREEN, run=run.id)
    audit.record(AuditAction.SCREENING_QUEUED, actor=actor, subject=candidate.subject,
                 objects={"candidate": candidate.id, "run": run.id}, sources=sorted(sources))
    run_id = run.id
    after_commit(lambda: enqueue("screening.run", run_id))
    return run


@task("screening.run")
def run_task(run_id: int) -> None:
    """Carry out a queued run (see `run_screening`); handed over again if this consumer dies."""
    run_screening(run_id)


def run_screening(run_id: int) -> RunStatus | None:
    """Carry out a queued run; safe to retry and to run on several consumers at once.

    A finished run, or one another consumer holds, is left alone; a run taken over from a
    consumer that died starts again from its agreed terms, and only the consumer whose claim
    still holds at the end writes findings (screening/run_leases.py). An unexpected error
    ends the run as failed: the recruiter must see "failed", not "running" for ever.
    """
    run = db.session.get(ScreeningRun, run_id)
    if run is None or run.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.STOPPED):
        return run.status if run else None
    token = leases.claim(run_id)
    if token is None:
        return None
    run = db.session.get(ScreeningRun, run_id, populate_existing=True)
    try:
        return _carry_out(run, token)
    except Exception as error:
        db.session.rollback()
        # Only the error's type: its message could quote a candidate's post.
        log.error("screening run %s failed: %s", run_id, type(error).__name__)
        run = db.session.get(ScreeningRun, run_id)
        if run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
            return _finish(run, RunStatus.FAILED, error="internal_error", token=token)
        return None


def _carry_out(run: ScreeningRun, token: datetime) -> RunStatus | None:
    candidate, attempt = run.candidate, leases.attempts(run) + 1
    if attempt > leases.MAX_ATTEMPTS:  # its consumers kept dying: not again
        return _finish(run, RunStatus.FAILED, error="interrupted", token=token)
    agreed = run.agreed or agreed_scope(candidate)
    sources = {k: a for k, a in consented_sources(candidate, agreed).items()
               if k in PUBLIC_KINDS and k in run.progress}
    if not sources:  # the run checks consent itself: no task or command can skip this
        return _finish(run, RunStatus.FAILED, error="no_consent", token=token)
    audit.record(AuditAction.SCREENING_STARTED, actor="system", subject=candidate.subject,
                 objects={"candidate": candidate.id, "run": run.id}, sources=sorted(sources),
                 attempt=attempt)
    db.session.commit()
    posts, failures = _fetch(run, sources, agreed["lookback_years"])
    if not _still_consented(run.id, candidate.id, set(sources)):
        return _stop(run.id, token)
    if len(failures) == len(sources):  # nothing was read: no result, no notice
        run = db.session.get(ScreeningRun, run.id)
        run.counts = {kind: {**SourceTally().as_dict(), "failure": code}
                      for kind, code in failures.items()}
        return _finish(run, RunStatus.FAILED, error="all_sources_failed", failures=failures,
                       token=token)
    verdicts = _classify(posts, candidate, agreed["criteria"])
    if not _still_consented(run.id, candidate.id, set(sources)):
        return _stop(run.id, token)
    run = db.session.get(ScreeningRun, run.id)
    tallies = _store(run, posts, verdicts, set(sources) - set(failures))
    run.counts = {k: t.as_dict() for k, t in tallies.items()}
    for kind in sources:
        run.counts.setdefault(kind, SourceTally().as_dict())
    for kind, code in failures.items():
        run.counts[kind]["failure"] = code
    return _finish(run, RunStatus.DONE, failures=failures, token=token)


def process_export(candidate: Candidate, kind: str, filename: str, data: bytes) -> ScreeningRun:
    """Screen an uploaded export in memory, as a run of its own; the file is never kept."""
    agreed = agreed_scope(candidate)
    if kind not in EXPORT_KINDS or kind not in consented_sources(candidate, agreed):
        raise ConsentMissing(kind)
    to = check(candidate, Action.SCREEN)
    years = agreed["lookback_years"]
    window = Window(since=utcnow() - timedelta(days=policy.DAYS_PER_YEAR * years),
                    limit=int(current_app.config.get("SCREENING_ITEM_CAP", 500)))
    limits = ArchiveLimits.from_config(current_app.config)
    read = read_export_with_skips(filename, data, window=window, limits=limits)  # or SourceError
    posts = read.posts
    outcome = SourceOutcome.OK if posts else SourceOutcome.EMPTY
    # A broken auxiliary file (X's account.js) is left out, named here for the candidate.
    run = ScreeningRun(candidate=candidate, status=RunStatus.RUNNING, started_at=utcnow(),
                       agreed=agreed, progress={kind: {"state": outcome.value, "posts": len(posts),
                                                       "skipped": read.skipped}}, counts={})
    db.session.add(run)
    db.session.flush()
    move(candidate, to, actor="candidate", reason=Action.SCREEN, run=run.id)
    audit.record(AuditAction.EXPORT_UPLOADED, actor="candidate", subject=candidate.subject,
                 objects={"candidate": candidate.id, "run": run.id}, source=kind,
                 posts=len(posts))
    tallies = _store(run, posts, _classify(posts, candidate, agreed["criteria"]), {kind})
    run.counts = {k: t.as_dict() for k, t in tallies.items()} or {kind: SourceTally().as_dict()}
    # The candidate reads these findings at once in the portal: their window runs from now.
    candidate.notified_at = utcnow()
    _finish(run, RunStatus.DONE, notify=False)
    return run


def _fetch(run: ScreeningRun, sources: dict[str, str | None], lookback_years: int):
    """Fetch source by source, showing progress; a failing source does not fail the others."""
    window = Window(since=utcnow() - timedelta(days=policy.DAYS_PER_YEAR * lookback_years),
                    limit=int(current_app.config.get("SCREENING_ITEM_CAP", 500)))
    settings = current_app.config.get("SOURCE_CLIENT_SETTINGS") or ClientSettings()
    bases = current_app.config.get("SOURCE_BASE_URLS", {})
    posts, failures = [], {}
    with GuardedClient(settings) as client:
        for kind, account in sources.items():
            _progress(run.id, kind, {"state": SourceOutcome.FETCHING.value})
            try:
                fetched = fetch_source(client, SourceKind(kind), account or "", window,
                                       base_url=bases.get(kind))
            except SourceError as error:
                failures[kind] = error.failure.value
                _progress(run.id, kind, {"state": SourceOutcome.FAILED.value,
                                         "failure": error.failure.value})
                continue
            posts.extend(fetched)
            outcome = SourceOutcome.OK if fetched else SourceOutcome.EMPTY
            _progress(run.id, kind, {"state": outcome.value, "posts": len(fetched)})
    return posts, failures


def _progress(run_id: int, kind: str, state: dict[str, Any]) -> None:
    run = db.session.get(ScreeningRun, run_id)
    if run is not None:
        run.progress = {**run.progress, kind: state}
        db.session.commit()


def _classify(posts, candidate: Candidate, criteria: list[str]) -> list[nlp.Verdict]:
    """Classify one run's posts against the agreed criteria; nothing stays in the pipelines."""
    classifier = get_classifier()
    vacancy = classifier_vacancy(candidate.vacancy, criteria)
    items = [nlp.Post(text=p.text, author=p.account, lang=p.lang,
                      published=p.published.isoformat(),
                      is_own=p.is_own, id=str(i)) for i, p in enumerate(posts)]
    with classifier.memory_zone(vacancy):
        return classifier.classify_many(items, vacancy)


def _store(run: ScreeningRun, posts, verdicts, kinds: set[str]) -> dict[str, SourceTally]:
    """Keep findings for relevant posts and counts for the rest; the posts themselves go."""
    candidate = run.candidate
    # A source's new findings replace its earlier ones: the recruiter sees one current picture.
    db.session.execute(delete(Finding).where(Finding.candidate_id == candidate.id,
                                             Finding.source_kind.in_(kinds),
                                             Finding.run_id != run.id))
    tallies: dict[str, SourceTally] = {}
    for post, verdict in zip(posts, verdicts, strict=True):
        if not post.is_own:
            continue  # reposts are not the candidate's words: not looked at
        tally = tallies.setdefault(post.source.value, SourceTally())
        rule = verdict.decided_by or "unspecified"
        tally.decided_by[rule] = tally.decided_by.get(rule, 0) + 1
        if verdict.verdict == nlp.Outcome.NOT_ASSESSED:
            tally.not_assessed += 1  # no pipeline for its language: nobody looked at it
            continue
        tally.looked_at += 1
        if verdict.verdict == nlp.Outcome.WITHHELD:
            for category in verdict.categories or ["unspecified"]:
                tally.withheld[str(category)] = tally.withheld.get(str(category), 0) + 1
        elif verdict.verdict == nlp.Outcome.RELEVANT:
            tally.shown += 1
            db.session.add(Finding(run_id=run.id, candidate_id=candidate.id,
                                   subject=candidate.subject, source_kind=post.source.value,
                                   account=post.account, url=post.url or "",
                                   published=post.published, excerpt=verdict.excerpt or "",
                                   matched=list(verdict.matched)))
        else:
            tally.irrelevant += 1
    return tallies


def _still_consented(run_id: int, candidate_id: int, sources: set[str]) -> bool:
    """Look again, outside the run's snapshot: a withdrawal may have arrived meanwhile."""
    db.session.rollback()
    candidate = db.session.get(Candidate, candidate_id)
    run = db.session.get(ScreeningRun, run_id)
    if candidate is None or run is None:
        return False
    return sources <= set(consented_sources(candidate, run.agreed))


def _stop(run_id: int, token: datetime | None = None) -> RunStatus | None:
    run = db.session.get(ScreeningRun, run_id)
    if run is not None:
        return _finish(run, RunStatus.STOPPED, error="consent_withdrawn", token=token)
    db.session.commit()
    return RunStatus.STOPPED


def _finish(run: ScreeningRun, status: RunStatus, *, error: str | None = None,
            failures: dict[str, str] | None = None, notify: bool = True,
            token: datetime | None = None) -> RunStatus | None:
    """End a run, move the case on, tell the candidate what they must know, and commit.

    With the claim's `token`, only while that claim still holds the run (else None, nothing
    written): a consumer whose lease lapsed never ends a run another one took over.
    """
    if token is not None and not leases.hold(run.id, token):
        db.session.rollback()
        log.warning("screening run %s: taken over by another consumer", run.id)
        return None
    run.status, run.error, run.finished_at = status, error, utcnow()
    candidate = run.candidate
    failed = sorted(failures or {})
    if status == RunStatus.DONE:
        totals = summarise(run.counts)
        move(candidate, CaseState.SCREENED, actor="system", reason=Action.FINISH_RUN, run=run.id)
        audit.record(AuditAction.SCREENING_COMPLETED, actor="system", subject=candidate.subject,
                     objects={"candidate": candidate.id, "run": run.id},
                     looked_at=totals["looked_at"], shown=totals["shown"],
                     withheld=totals["withheld"], irrelevant=totals["irrelevant"],
                     not_assessed=totals["not_assessed"], decided_by=rule_counts(run.counts),
                     classifier=get_classifier().version, failed_sources=failed)
        if notify:
            notify_screened(candidate, run, missing=failed)
        staff_notices.run_ended(candidate, run.id, finished=True)
    else:
        if candidate.state == CaseState.SCREENING:  # the case stays where it was
            action = Action.FAIL_RERUN if _had_results(run) else Action.FAIL_RUN
            move(candidate, check(candidate, action), actor="system", reason=action, run=run.id)
        audit_action = (AuditAction.SCREENING_FAILED if status == RunStatus.FAILED
                        else AuditAction.SCREENING_STOPPED)
        audit.record(audit_action, actor="system", subject=candidate.subject,
                     objects={"candidate": candidate.id, "run": run.id}, error=error,
                     failed_sources=failed)
        if error == "all_sources_failed":
            ask_to_correct(candidate, run, failed)
        if status == RunStatus.FAILED:  # a stopped run ends the case: nothing to tell
            staff_notices.run_ended(candidate, run.id, finished=False)
    db.session.commit()
    return status


def _had_results(run: ScreeningRun) -> bool:
    return bool(db.session.scalar(select(exists().where(
        ScreeningRun.candidate_id == run.candidate_id, ScreeningRun.id != run.id,
        ScreeningRun.status == RunStatus.DONE))))


def latest_run(candidate: Candidate, *, done: bool = False) -> ScreeningRun | None:
    """Return the candidate's latest run, or with `done` the latest that gave results."""
    query = select(ScreeningRun).where(ScreeningRun.candidate_id == candidate.id)
    if done:
        query = query.where(ScreeningRun.status == RunStatus.DONE)
    return db.session.scalar(query.order_by(ScreeningRun.id.desc()).limit(1))


def latest_done_run(candidate: Candidate, latest: ScreeningRun | None) -> ScreeningRun | None:
    """Return the latest run that gave results, knowing the latest run: no query when that
    one did (a page that shows the latest run asks both)."""
    if latest is None:
        return None
    if latest.status == RunStatus.DONE:
        return latest
    return latest_run(candidate, done=True)


def latest_runs(candidate_ids: list[int]) -> dict[int, ScreeningRun]:
    """Return each candidate's latest run in one query, for a list of candidates."""
    if not candidate_ids:
        return {}
    newest = (select(func.max(ScreeningRun.id)).where(ScreeningRun.candidate_id.in_(candidate_ids))
              .group_by(ScreeningRun.candidate_id))
    return {run.candidate_id: run for run in db.session.scalars(
        select(ScreeningRun).where(ScreeningRun.id.in_(newest)))}


def missing_sources(run: ScreeningRun) -> list[str]:
    """Name the sources a run could not read, for every page, notice and report."""
    return sorted(k for k, p in run.progress.items() if p.get("state") == SourceOutcome.FAILED)
