"""Pages and API reads under load, against a minimal Flask page on the same database engine.

gunicorn serves the app (N workers) on a seeded instance and, in the same run, a baseline app
serving (a) plain text and (b) 20 rows rendered through Jinja; wrk (or a Python load generator
where wrk is not installed) drives each at 1, 8 and 32 connections. Every figure is printed
with its ratio to the baseline page (b) at the same number of connections.

Targets (issue #16), at 32 connections: every recruiter page and API read >= 0.5x the baseline
page's requests/s with a p99 within 2x its p99; the portal >= 0.5x.

Requests/s on a shared machine move by a third from run to run, so each point also says what
a request cost the server in CPU: the user and system time of gunicorn's workers over the
point, divided by its requests (the database server's own time, for PostgreSQL, is not in it).
`per CPU vs (b)` is how many such requests a CPU-second serves, as a ratio to the baseline
page's: a change that makes a page cheaper shows there even when the machine is busy.

Rate limits are raised for the run through the FAIRSCREEN_* settings, as an operator would.
Run: python -m benchmarks.bench_web [--workers 2] [--seconds 3] [--postgresql] [--set NAME=VALUE]
"""

import sys
from pathlib import Path

# `make benchmarks` runs each file as a script: put the project root first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import httpx  # noqa: E402
import psutil  # noqa: E402

from benchmarks import web_load  # noqa: E402
from benchmarks.harness import KEYS, database, dispose, make_app, postgres_available  # noqa: E402
from benchmarks.web_seed import PASSWORD, RECRUITER, Seeded, seed  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RAISED = "1000000 per minute"
BASELINE = "(b) 20 rows, Jinja"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(url: str, folder: Path, settings: dict[str, str] | None = None) -> dict[str, str]:
    """The app's settings for the run: production-like (not TESTING), limits raised, and the
    `--set` ones. The caller's own FAIRSCREEN_* variables are left out: they name an instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRSCREEN_")}
    env.update({f"FAIRSCREEN_{name}": value for name, value in KEYS.items()})
    env.update({
        "FAIRSCREEN_INSTANCE_PATH": str(folder / "instance"),
        "FAIRSCREEN_DATABASE_URL": url,
        "FAIRSCREEN_SECRET_KEY": "bench-web-secret",
        "FAIRSCREEN_HUEY_SQLITE_PATH": str(folder / "huey.db"),
        "FAIRSCREEN_SESSION_COOKIE_SECURE": "false",  # plain http on loopback
        "FAIRSCREEN_API_RATE_LIMIT": RAISED,
        "FAIRSCREEN_PORTAL_RATE_LIMIT": RAISED,
        "BENCH_DATABASE_URL": url,
    })
    env.update({f"FAIRSCREEN_{name}": value for name, value in (settings or {}).items()})
    return env


@dataclass(frozen=True)
class Server:
    """A running gunicorn: its base URL and its master process."""

    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User and system time of the workers now alive (a worker restarted mid-point would
        lose its share: gunicorn restarts none under this load)."""
        try:
            children = psutil.Process(self.pid).children()
        except psutil.NoSuchProcess:
            return 0.0
        total = 0.0
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                times = child.cpu_times()
                total += times.user + times.system
        return total


@contextlib.contextmanager
def gunicorn(target: str, workers: int, env: dict[str, str], log: Path) -> Iterator[Server]:
    """Serve `target` with gunicorn on a free port until the block ends."""
    port = free_port()
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
             f"127.0.0.1:{port}", "--log-level", "warning", target],
            cwd=ROOT, env=env, stdout=errors, stderr=errors)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, process, log)
            yield Server(base, process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(base + "/", timeout=2)
            return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


def log_in(base: str) -> dict[str, str]:
    """Log the recruiter in through the login form; return the session cookie as a header."""
    with httpx.Client(base_url=base) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        answer = client.post("/login", data={"email": RECRUITER, "password": PASSWORD,
                                             "csrf_token": token})
        if answer.status_code != 302:
            raise SystemExit(f"login failed: {answer.status_code}")
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


def targets(app: Server, baseline: Server, seeded: Seeded,
            cookie: dict[str, str]) -> list[tuple[str, str, dict[str, str], Server]]:
    api = {"Authorization": f"Bearer {seeded.api_token}"}
    v, c = seeded.vacancy_id, seeded.candidate_id
    return [(name, server.url + path, headers, server) for name, server, path, headers in [
        ("(a) plain text", baseline, "/plain", {}),
        (BASELINE, baseline, "/rows", {}),
        ("dashboard", app, "/dashboard", cookie),
        ("vacancy page", app, f"/vacancies/{v}", cookie),
        ("candidate page", app, f"/candidates/{c}", cookie),
        ("findings page", app, f"/candidates/{c}/findings", cookie),
        ("candidate portal", app, f"/portal/{seeded.portal_token}", {}),
        ("API candidate list", app, f"/api/v1/vacancies/{v}/candidates?page_size=20", api),
        ("API candidate detail", app, f"/api/v1/candidates/{c}", api),
    ]]


def check_and_warm(items: list[tuple[str, str, dict[str, str], Server]]) -> None:
    """Each target must answer 200 (not a login redirect); a few requests warm the workers."""
    with httpx.Client(timeout=30) as client:
        for name, url, headers, _server in items:
            for _ in range(10):
                answer = client.get(url, headers=headers)
                if answer.status_code != 200:
                    raise SystemExit(f"{name}: {url} answered {answer.status_code}")


def measure(items, connections: list[int], seconds: float) -> dict:
    """Load each target at each number of connections: (Load, server CPU ms per request)."""
    results = {}
    for count in connections:
        for name, url, headers, server in items:
            before = server.cpu_seconds()
            load = web_load.drive(url, headers, count, seconds)
            spent = server.cpu_seconds() - before
            results[name, count] = load, 1000 * spent / max(load.requests, 1)
    return results


def report(backend: str, workers: int, items, connections: list[int], results: dict,
           seconds: float) -> None:
    print(f"\n{backend}, gunicorn {workers} workers, load by {web_load.generator()}, "
          f"{seconds:g} s a point, load average {os.getloadavg()[0]:.1f} (shared machine)")
    print(f"{'':<22}{'conns':>6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'req/s vs (b)':>14}{'p99 vs (b)':>12}{'bad':>6}{'CPU ms/req':>12}"
          f"{'per CPU vs (b)':>16}")
    for count in connections:
        base, base_cpu = results[BASELINE, count]
        for name, _url, _headers, _server in items:
            load, cpu = results[name, count]
            print(f"{name:<22}{count:>6}{load.rate:>9.0f}{load.p50:>9.1f}{load.p99:>9.1f}"
                  f"{load.rate / base.rate:>13.2f}x{load.p99 / base.p99:>11.2f}x{load.bad:>6}"
                  f"{cpu:>12.2f}{base_cpu / cpu if cpu else 0:>15.2f}x")
    top = max(connections)
    base, _cpu = results[BASELINE, top]
    for name, _url, _headers, _server in items[2:]:
        load, _cpu = results[name, top]
        rate, p99 = load.rate / base.rate, load.p99 / base.p99
        portal = name == "candidate portal"
        met = rate >= 0.5 and (portal or p99 <= 2.0)
        print(f"target at {top} connections, {name}: {rate:.2f}x req/s (>= 0.5x)"
              + ("" if portal else f", p99 {p99:.2f}x (<= 2x)")
              + (": met" if met else ": MISSED"))


def run(backend: str, args: argparse.Namespace) -> None:
    with database(backend) as (url, folder):
        app = make_app(url, folder)
        with app.app_context():
            seeded = seed(args.vacancies, args.candidates)
            dispose()
        env = server_env(url, folder, dict(args.set))
        with (gunicorn("wsgi:app", args.workers, env, folder / "app.log") as app,
              gunicorn("benchmarks.baseline_app:app", args.workers, env,
                       folder / "baseline.log") as baseline):
            items = targets(app, baseline, seeded, log_in(app.url))
            if args.only:  # the baselines always run: every figure is a ratio to (b)
                items = items[:2] + [i for i in items[2:] if any(w in i[0] for w in args.only)]
            check_and_warm(items)
            results = measure(items, args.connections, args.seconds)
        report(backend, args.workers, items, args.connections, results, args.seconds)


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name.removeprefix("FAIRSCREEN_"), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--seconds", type=float, default=3.0, help="load per point")
    parser.add_argument("--connections", type=lambda s: [int(n) for n in s.split(",")],
                        default=[1, 8, 32], help="comma-separated, e.g. 1,8,32")
    # By default the lists show 20 candidates, as many rows as the baseline page reads.
    parser.add_argument("--vacancies", type=int, default=1)
    parser.add_argument("--candidates", type=int, default=20, help="per vacancy")
    parser.add_argument("--only", type=lambda s: s.split(","), default=[],
                        help="comma-separated words naming the pages to load, e.g. "
                        "dashboard,API (default: all)")
    parser.add_argument("--python-load", action="store_true",
                        help="use the Python load generator even where wrk is installed")
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--set", action="append", default=[], type=_setting,
                        metavar="NAME=VALUE", help="an app setting for the run, without the "
                        "FAIRSCREEN_ prefix, e.g. READ_FOLD_SECONDS=0 (repeatable)")
    args = parser.parse_args()
    if args.python_load:
        web_load.generator = lambda: "python"
    run("sqlite", args)
    if args.postgresql:
        if postgres_available():
            run("postgresql", args)
        else:
            print("postgresql: no server, skipped")


if __name__ == "__main__":
    main()
