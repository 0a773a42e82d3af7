"""Benchmark the audit trail PDF against WeasyPrint's floor: the same events as one <pre> block.

Run: python benchmarks/bench_reports.py [--events 1000 5000 10000]
Each measurement runs in its own process, so its peak memory (max RSS) is its own.
Prints, per size: export + verify, trail layout, signing, the <pre> floor, the trail/floor
ratio (target: within 2x), and the growth from the smallest to the largest size (linear: ~10x).
"""

import argparse
import html
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACTIONS = ["candidate.created", "consent.requested", "consent.given", "screening.started",
           "screening.completed", "findings.viewed", "candidate.decided"]


def make_app(folder: Path):
    """Build an app on the folder's SQLite database, shared by the seeding and timing processes."""
    from benchmarks.harness import make_app as harness_app

    return harness_app(f"sqlite:///{folder / 'bench.db'}", folder)


def seed(folder: Path, events: int) -> None:
    """Migrate and append `events` audit events in batches, with a signing identity."""
    from flask_migrate import upgrade

    from compliance import audit
    from compliance.audit import AuditAction
    from compliance.db import db
    from compliance.reports.signing import ensure_signing_identity
    from screening.setup_commands import MIGRATIONS

    app = make_app(folder)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        ensure_signing_identity()
        for start in range(0, events, 1000):
            for offset, action in enumerate(ACTIONS):
                batch = [(f"{(start + i) % 97:064x}", {"candidate": (start + i) % 97 + 1,
                                                        "vacancy": (start + i) % 5 + 1},
                          {"sources": ["rss", "github"], "findings": i % 7})
                         for i in range(offset, min(1000, events - start), len(ACTIONS))]
                audit.record_many(AuditAction(action), batch, actor="user:1")
            db.session.commit()


def measure(folder: Path, mode: str) -> dict:
    """Time one mode in this process and report its peak memory."""
    from weasyprint import HTML

    from compliance import checkpoints
    from compliance.reports.signing import sign_pdf
    from compliance.reports.trail import TrailScope, export_document, render_trail

    app = make_app(folder)
    result: dict = {}
    with app.app_context():
        scope = TrailScope("period", "all")
        started = time.perf_counter()
        document = export_document(scope, actor="system")
        result["export"] = time.perf_counter() - started
        if mode == "trail":
            started = time.perf_counter()
            pdf = render_trail(document, scope, lang="en",
                               trusted_key=checkpoints.instance_public_key())
            result["render"] = time.perf_counter() - started
            started = time.perf_counter()
            signed = sign_pdf(pdf, reason="benchmark")
            result["sign"] = time.perf_counter() - started
            result["bytes"] = len(signed)
        else:
            text = "\n".join(_line(e) for e in document["events"])
            started = time.perf_counter()
            pdf = HTML(string=f"<pre>{html.escape(text)}</pre>").write_pdf()
            result["render"] = time.perf_counter() - started
            result["bytes"] = len(pdf)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _line(event: dict) -> str:
    """Write an event as the trail shows it: the same fields, as plain text."""
    pairs = " ".join(f"{k}={v}" for part in ("objects", "details")
                     for k, v in sorted(event.get(part, {}).items()))
    return (f"{event['seq']} {event['at']} {event['actor']} {event['action']}\n"
            f"    {pairs} subject={(event['subject'] or '')[:12]} #{event['hash'][:16]}")


def run_child(folder: Path, mode: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(folder)], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(Path(args.child[1]), args.child[0])))
        return
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for events in args.events:
            folder = Path(tmp) / str(events)
            folder.mkdir()
            seed(folder, events)
            rows[events] = {mode: run_child(folder, mode) for mode in ("trail", "pre")}
    print(f"{'events':>7} {'export':>8} {'trail':>8} {'sign':>6} {'<pre>':>8} {'ratio':>6} "
          f"{'s/1k ev':>8} {'trail MiB':>9} {'<pre> MiB':>9} {'PDF KiB':>8}")
    for events, r in rows.items():
        trail, floor = r["trail"], r["pre"]
        print(f"{events:>7} {trail['export']:>7.2f}s {trail['render']:>7.2f}s "
              f"{trail['sign']:>5.2f}s {floor['render']:>7.2f}s "
              f"{trail['render'] / floor['render']:>5.2f}x "
              f"{trail['render'] * 1000 / events:>8.2f} {trail['peak_mib']:>9.0f} "
              f"{floor['peak_mib']:>9.0f} {trail['bytes'] / 1024:>8.0f}")
    small, large = min(rows), max(rows)
    if small != large:
        growth = rows[large]["trail"]["render"] / rows[small]["trail"]["render"]
        print(f"trail time grows {growth:.1f}x for {large / small:.0f}x the events "
              f"(linear: {large / small:.0f}x); the <pre> floor grows "
              f"{rows[large]['pre']['render'] / rows[small]['pre']['render']:.1f}x")
    print("ratio = trail layout (incl. chain verification) / <pre> floor; target <= 2x")


if __name__ == "__main__":
    main()
