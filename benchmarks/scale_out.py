"""Scale-out proof: PostgreSQL, Redis, two web processes, three consumers, and faults on purpose.

N candidates who agreed are screened at once through the API, while a recruiter keeps loading
the dashboard. During the run one consumer is killed with SIGKILL in the middle of a
screening, Redis (its own, on a spare port, without persistence) is killed and started again,
and the SMTP server is down for a while. Afterwards it checks that every run ended done or
failed with a reason, that no finding and no e-mail is duplicated or lost, and that the audit
chain verifies; it prints screenings and e-mails per minute and the dashboard's p50/p99.

    .venv/bin/python benchmarks/scale_out.py [--candidates 200] [--smtp-outage 30]

PostgreSQL comes from FAIRSCREEN_BENCH_POSTGRES (default postgres@127.0.0.1:5432/test): two
private schemas (data, key vault), dropped afterwards. Needs `redis-server` on the PATH.
"""

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.scale_fleet import (  # noqa: E402
    BIN,
    ROOT,
    FeedServer,
    Fleet,
    free_port,
    wait_for_port,
)

PG_SERVER = os.environ.get("FAIRSCREEN_BENCH_POSTGRES",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "scale-out recruiter password"
CONSUMERS, THREADS, WEB = 3, 2, 2
TERMINAL = ("done", "failed", "stopped")


def settings(folder: Path, pg: dict[str, str], ports: dict[str, int], fast: bool) -> dict:
    """The environment every process of the run shares, as production would set it."""
    return {
        "FAIRSCREEN_INSTANCE_PATH": str(folder / "instance"),
        "FAIRSCREEN_DATABASE_URL": pg["data"],
        "FAIRSCREEN_VAULT_DATABASE_URL": pg["vault"],
        "FAIRSCREEN_REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "FAIRSCREEN_HUEY_NAME": f"fairscreen-scale-{uuid.uuid4().hex[:8]}",
        "FAIRSCREEN_MAIL_SERVER": "127.0.0.1",
        "FAIRSCREEN_MAIL_PORT": str(ports["smtp"]),
        "FAIRSCREEN_MAIL_USE_TLS": "false",
        "FAIRSCREEN_MAIL_TIMEOUT": "5",
        "FAIRSCREEN_PUBLIC_URL": f"http://127.0.0.1:{ports['web0']}",
        "FAIRSCREEN_SESSION_COOKIE_SECURE": "false",  # plain http on loopback, as the demo
        # Raised for the run (one client plays every recruiter), never switched off.
        "FAIRSCREEN_API_RATE_LIMIT": "100000 per minute",
        "FAIRSCREEN_LOGIN_RATE_LIMIT": "1000 per minute",
        # Shorter than production, so that a run of minutes sees a lapse and a retry.
        "FAIRSCREEN_SCREENING_LEASE_SECONDS": "20" if fast else "60",
        "FAIRSCREEN_OUTBOX_LEASE_SECONDS": "10" if fast else "30",
        "FAIRSCREEN_OUTBOX_RETRY_SECONDS": "1" if fast else "4",
        "FAIRSCREEN_QUEUE_RECOVERY_SECONDS": "3" if fast else "10",
        "FAIRSCREEN_ALLOW_PRIVATE_HOSTS": "1",  # the feed server is on loopback
    }


def lexicon_pipelines(folder: Path) -> dict[str, str]:
    """The classifier without its trained layer, which withholds nearly every post of these
    long recorded blogs: the proof needs findings to show that none is duplicated. (The flow
    tests do the same, see tests/conftest.py; the trained layer has its own benchmark.)"""
    from screening.classifier.pipeline import build_pipeline

    names = {}
    for lang in ("en", "nl"):
        build_pipeline(lang).to_disk(folder / f"pipeline-{lang}")
        names[f"FAIRSCREEN_NLP_PIPELINE_{lang.upper()}"] = str(folder / f"pipeline-{lang}")
    return names


@contextlib.contextmanager
def schemas() -> Iterator[dict[str, str]]:
    """Two private schemas on the PostgreSQL server, dropped afterwards."""
    names = {kind: f"fs_scale_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("data", "vault")}
    admin = create_engine(PG_SERVER)
    with admin.begin() as connection:
        for name in names.values():
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield {kind: f"{PG_SERVER}?options=-csearch_path%3D{name}"
               for kind, name in names.items()}
    finally:
        with admin.begin() as connection:
            for name in names.values():
                connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def seed(app, feeds: FeedServer, candidates: int) -> tuple[list[int], str]:
    """A recruiter, a vacancy, and candidates who agreed to their blog; returns ids and token."""
    from compliance.accounts import Role, create_user
    from compliance.api_tokens import create_token
    from compliance.consent import SourceAnswer
    from compliance.db import db
    from compliance.organisation import update_settings
    from screening.candidates import add_candidate
    from screening.case import answer_consent, request_consent
    from screening.vacancies import create_vacancy

    with app.app_context():
        recruiter = create_user("recruiter@scale.test", "Recruiter", PASSWORD, Role.RECRUITER,
                                actor="system")
        update_settings({"controller_name": "Scale B.V.", "controller_address": "Damrak 1",
                         "dpo_contact": "dpo@scale.test"}, actor="system")
        vacancy = create_vacancy({
            "title": "Content designer", "description": "Writing and design for the web.",
            "language": "en", "criteria": ["design", "writing", "blog", "photography"],
            "allowed_sources": ["rss"], "lookback_years": 10, "retention_days": 28,
            "comment_window_days": 3, "status": "open", "assignee_ids": [],
            "purpose": "Check published work.", "necessity": "Needed for the role.",
            "alternatives": "Interview only.", "balancing": "Minimal data."}, owner=recruiter)
        _token, raw = create_token(recruiter, "scale-out", actor="system")
        db.session.commit()
        ids = []
        for number in range(candidates):
            candidate = add_candidate(vacancy, {"name": f"Candidate {number}", "language": "en",
                                                "email": f"c{number}@scale.test"},
                                      actor=recruiter)
            request_consent(candidate, actor=recruiter)
            answer_consent(candidate, [SourceAnswer("rss", feeds.url(number), True)],
                           talent_pool=False, method="scale-out")
            db.session.commit()
            ids.append(candidate.id)
        return ids, raw


class Dashboard(threading.Thread):
    """The recruiter reloading the dashboard, over both web processes, until told to stop."""

    def __init__(self, ports: list[int]):
        super().__init__(daemon=True)
        self.ports, self.stop = ports, threading.Event()
        self.seconds: list[float] = []
        self.errors: Counter[int] = Counter()

    def run(self) -> None:
        clients = [login(port) for port in self.ports]
        turn = 0
        while not self.stop.is_set():
            client, turn = clients[turn % len(clients)], turn + 1
            started = time.perf_counter()
            try:
                status = client.get("/dashboard").status_code
            except httpx.HTTPError:
                status = 0
            if status == 200:
                self.seconds.append(time.perf_counter() - started)
            else:
                self.errors[status] += 1
            self.stop.wait(0.05)
        for client in clients:
            client.close()


def login(port: int, attempts: int = 30) -> httpx.Client:
    """Log the recruiter in; while Redis is restarting the login answers 503 (its rate limit
    cannot be counted) and, like a person, this tries again a moment later."""
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    for _ in range(attempts):
        page = client.get("/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        answer = client.post("/login", data={"email": "recruiter@scale.test",
                                             "password": PASSWORD, "csrf_token": token})
        if answer.status_code != 503:
            break
        time.sleep(1)
    assert answer.status_code == 302, answer.status_code
    return client


def start_screenings(ports: list[int], token: str, ids: list[int]) -> list[int]:
    """POST every screening at once through the API, spread over the web processes."""
    def post(pair: tuple[int, int]) -> int:
        index, candidate_id = pair
        with httpx.Client(base_url=f"http://127.0.0.1:{ports[index % len(ports)]}",
                          timeout=60) as client:
            return client.post(f"/api/v1/candidates/{candidate_id}/screening-runs",
                               headers={"Authorization": f"Bearer {token}",
                                        "Idempotency-Key": str(uuid.uuid4())}).status_code

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(post, enumerate(ids)))


def run_counts(app) -> Counter[str]:
    from compliance.db import db
    from screening.runs import ScreeningRun

    with app.app_context():
        rows = db.session.execute(select(ScreeningRun.status, func.count())
                                  .group_by(ScreeningRun.status)).all()
        return Counter({str(status.value): n for status, n in rows})


def mail_waiting(app) -> int:
    from compliance.db import db
    from compliance.outbox import OutboxMessage, Status

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status.in_([Status.STORED, Status.QUEUED, Status.SENDING])))


def wait_until(condition, seconds: float, step: float = 0.2) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(step)
    return False


def faults(app, fleet: Fleet, ports: dict[str, int], spool: Path, outage: float,
           timeline: dict[str, float]) -> None:
    """Kill a consumer mid-screening, restart Redis, take the SMTP server down for `outage`."""
    # Once more runs are running than the other consumers have threads, the first holds one.
    busy = (CONSUMERS - 1) * THREADS + 1
    timeline["busy"] = wait_until(lambda: run_counts(app)["running"] >= busy, 60, 0.05)
    fleet.kill("consumer0")
    timeline["consumer_killed"] = time.monotonic()
    fleet.kill("smtp")
    timeline["smtp_down"] = time.monotonic()
    time.sleep(1)
    fleet.kill("redis")
    time.sleep(1)
    fleet.redis(ports["redis"])
    timeline["redis_restarted"] = time.monotonic()
    time.sleep(max(0.0, outage - (time.monotonic() - timeline["smtp_down"])))
    fleet.smtp(ports["smtp"], spool)
    timeline["smtp_up"] = time.monotonic()


def run(candidates: int = 200, smtp_outage: float = 30, fast: bool = False,
        deadline: float = 900, logs: Path | None = None) -> dict:
    """Carry out the proof; return the figures and the checks (see `report`).

    `logs`: a folder to keep every process's output in (else it goes with the scratch folder).
    """
    with tempfile.TemporaryDirectory(prefix="fairscreen-scale-") as scratch, schemas() as pg:
        folder = Path(scratch)
        ports = {name: free_port() for name in ("redis", "smtp", "web0", "web1")}
        env = {**os.environ, **settings(folder, pg, ports, fast), **lexicon_pipelines(folder)}
        fleet, feeds, spool = Fleet(folder, env), FeedServer(0.5), folder / "spool.txt"
        dashboard = Dashboard([ports["web0"], ports["web1"]])
        try:
            return _run(folder, env, fleet, feeds, spool, dashboard, ports, candidates,
                        smtp_outage, deadline)
        finally:
            dashboard.stop.set()
            fleet.stop_all()
            feeds.close()
            if logs is not None:
                logs.mkdir(parents=True, exist_ok=True)
                for log in folder.glob("*.log"):
                    shutil.copy(log, logs / log.name)


def _run(folder, env, fleet, feeds, spool, dashboard, ports, candidates, smtp_outage,
         deadline) -> dict:
    from screening.app import create_app

    fleet.redis(ports["redis"])
    fleet.smtp(ports["smtp"], spool)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "init"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    with environment({k: v for k, v in env.items() if k.startswith("FAIRSCREEN_")}):
        app = create_app()
    ids, token = seed(app, feeds, candidates)
    for number in range(WEB):
        fleet.web(f"web{number}", ports[f"web{number}"])
    for number in range(CONSUMERS):
        fleet.flask(f"consumer{number}", "worker", "--workers", str(THREADS))
    for number in range(WEB):
        wait_for_port(ports[f"web{number}"])
    dashboard.start()
    timeline = {"start": time.monotonic()}
    answers = start_screenings([ports["web0"], ports["web1"]], token, ids)
    timeline["queued"] = time.monotonic()
    faults(app, fleet, ports, spool, smtp_outage, timeline)
    timeline["settled"] = wait_until(
        lambda: sum(run_counts(app)[s] for s in TERMINAL) == len(ids) and not mail_waiting(app),
        deadline, 1.0)
    timeline["end"] = time.monotonic()
    dashboard.stop.set()
    dashboard.join(30)
    verify = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "audit", "verify"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    result = checks(app, spool)
    result.update(answers=Counter(answers), timeline=timeline, audit_verified=(
        verify.returncode == 0), audit_output=verify.stdout.strip()[-300:],
        dashboard=figures(dashboard), processes=fleet.all_alive())
    from compliance.db import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return result


def checks(app, spool: Path) -> dict:
    """What the run left behind: runs, findings, e-mails, and the rates they were made at."""
    from compliance import outbox
    from compliance.audit import AuditAction, AuditEvent
    from compliance.db import db
    from compliance.outbox import OutboxMessage
    from screening.findings import Finding
    from screening.runs import ScreeningRun
    from screening.tallies import summarise

    with app.app_context():
        runs = db.session.scalars(select(ScreeningRun)).all()
        findings = db.session.scalars(select(Finding)).all()
        keys = [(f.candidate_id, f.source_kind, str(f.url), f.published) for f in findings]
        starts = Counter(e.objects["run"] for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == AuditAction.SCREENING_STARTED.value)))
        messages = db.session.scalars(select(OutboxMessage)).all()
        names = {m.id: f"<{outbox.message_id(m.id)}@fairscreen>" for m in messages}
        arrived = Counter(spool.read_text().split()) if spool.exists() else Counter()
        # Mail that is not the outbox's: the DPO's daily audit head digest, sent directly
        # (compliance/head_digest.py) when due at minute 7 of an hour the run spans.
        ours = set(names.values())
        received = Counter({name: n for name, n in arrived.items() if name in ours})
        done = [r for r in runs if r.status.value == "done"]
        # The rates count what the run made, from the first screening asked for.
        first = min(r.queued_at for r in runs)
        sent = [m for m in messages if m.sent_at and m.created_at >= first]
        return {
            "runs": Counter(r.status.value for r in runs),
            "stuck": sum(r.status.value not in TERMINAL for r in runs),
            "failed_without_reason": sum(r.status.value == "failed" and not r.error
                                         for r in runs),
            "failure_reasons": Counter(r.error for r in runs if r.error),
            "runs_started_again": sum(n > 1 for n in starts.values()),
            "posts": sum((Counter(c) for c in (summarise(r.counts) for r in done)), Counter()),
            "findings": len(findings),
            "duplicate_findings": len(keys) - len(set(keys)),
            "candidates_with_findings_of_two_runs": sum(n > 1 for n in Counter(
                c for c, _run in {(f.candidate_id, f.run_id) for f in findings}).values()),
            "emails": len(messages),
            "email_status": Counter(m.status.value for m in messages),
            "email_errors": Counter(m.last_error for m in messages if m.last_error),
            "emails_received": sum(received.values()),
            "other_emails_received": sum(arrived.values()) - sum(received.values()),
            "duplicate_emails": sum(n - 1 for n in received.values() if n > 1),
            "lost_emails": sum(names[m.id] not in received for m in messages),
            "in_doubt_emails": sum(m.last_error == outbox.IN_DOUBT for m in messages),
            "screenings_per_minute": per_minute(len(done), first,
                                                max((r.finished_at for r in done), default=first)),
            "emails_per_minute": per_minute(len(sent), first,
                                            max((m.sent_at for m in sent), default=first)),
        }


def per_minute(count: int, first, last) -> float:
    seconds = (last - first).total_seconds()
    return round(count * 60 / seconds, 1) if seconds > 0 else 0.0


def figures(dashboard: Dashboard) -> dict:
    seconds = sorted(dashboard.seconds)
    if len(seconds) < 2:
        return {"requests": len(seconds), "errors": dict(dashboard.errors)}
    cuts = statistics.quantiles(seconds, n=100)
    return {"requests": len(seconds), "errors": dict(dashboard.errors),
            "p50_ms": round(cuts[49] * 1000), "p99_ms": round(cuts[98] * 1000)}


def report(result: dict) -> str:
    t = result["timeline"]
    lines = [
        f"runs: {dict(result['runs'])}; stuck {result['stuck']}, failed without a reason "
        f"{result['failed_without_reason']}, reasons {dict(result['failure_reasons'])}",
        f"runs started again after the kill: {result['runs_started_again']}",
        f"posts: {dict(result['posts'])}",
        f"findings: {result['findings']}, duplicated {result['duplicate_findings']}, candidates "
        f"with findings of two runs {result['candidates_with_findings_of_two_runs']}",
        f"e-mails: {result['emails']} {dict(result['email_status'])}, received "
        f"{result['emails_received']}, duplicated {result['duplicate_emails']}, lost "
        f"{result['lost_emails']}, in doubt {result['in_doubt_emails']}; other mail (the DPO's "
        f"audit head digest) {result['other_emails_received']}",
        f"audit chain verifies: {result['audit_verified']}",
        f"screenings/min {result['screenings_per_minute']}, e-mails/min "
        f"{result['emails_per_minute']}",
        f"dashboard during the load: {result['dashboard']}",
        f"faults at (s after start): consumer killed {t['consumer_killed'] - t['start']:.1f}, "
        f"Redis restarted {t['redis_restarted'] - t['start']:.1f}, SMTP down "
        f"{t['smtp_down'] - t['start']:.1f}..{t['smtp_up'] - t['start']:.1f}; settled "
        f"{t['settled']} at {t['end'] - t['start']:.1f}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--smtp-outage", type=float, default=30)
    args = parser.parse_args()
    result = run(args.candidates, args.smtp_outage)
    print(report(result))
    failed = (result["stuck"] or result["failed_without_reason"] or result["duplicate_findings"]
              or result["duplicate_emails"] or result["lost_emails"]
              or not result["audit_verified"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
