"""The parts of the scale-out proof: processes it starts and kills, and the servers it plays.

Every process is started here and stopped by its own id, never by name. The SMTP server runs
as a process of its own (`python benchmarks/scale_fleet.py smtp PORT SPOOL`), so that it can
be taken down like a real one; it writes each message's Message-ID to SPOOL, flushed to disk,
before it answers 250, so the spool is what the server accepted.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = ROOT.parent / "shared" / "realworld"
BIN = Path(sys.executable).parent
FEEDS = ["rss/rsparser-rubenerd-hugo.rss", "rss/rsparser-489-medium.rss",
         "rss/rsparser-natasha-wordpress.xml"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing answers on port {port}")


class Fleet:
    """The processes of one run, by name; each started in a session of its own."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env = folder, env
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would."""
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def stop_all(self) -> None:
        for name in list(self.processes):
            process = self.processes.pop(name)
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def flask(self, name: str, *args: str) -> subprocess.Popen:
        return self.start(name, [str(BIN / "flask"), "--app", "wsgi", *args])

    def web(self, name: str, port: int) -> None:
        self.start(name, [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4",
                          "--bind", f"127.0.0.1:{port}", "wsgi:app"])

    def redis(self, port: int) -> None:
        # No persistence: a restart forgets every queued task, the worst case for the queue.
        self.start("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"])
        wait_for_port(port)

    def smtp(self, port: int, spool: Path) -> None:
        self.start("smtp", [sys.executable, __file__, "smtp", str(port), str(spool)])
        wait_for_port(port)

    def all_alive(self) -> dict[str, int | None]:
        return {name: p.poll() for name, p in self.processes.items()}


class FeedServer:
    """Serve the recorded real-world feeds on 127.0.0.1, each answer after `delay` seconds,
    as a remote blog would take: a screening lasts long enough to be killed in the middle."""

    def __init__(self, delay: float):
        bodies = [(REALWORLD / name).read_bytes() for name in FEEDS]
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                outer.hits += 1
                number = int(self.path.rsplit("/", 1)[-1].split(".")[0] or 0)
                body = bodies[number % len(bodies)]
                time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                pass  # a consumer killed mid-fetch hangs up: that is the point of the run

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.port}/feeds/{number}.xml"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve_smtp(port: int, spool: Path) -> None:
    """Accept every message; its Message-ID reaches the disk before the 250."""
    from email.parser import BytesHeaderParser

    from aiosmtpd.controller import Controller

    class Spool:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's)
            headers = BytesHeaderParser().parsebytes(envelope.content)
            with spool.open("a", encoding="ascii") as out:
                out.write(f"{headers['Message-ID']}\n")
                out.flush()
                os.fsync(out.fileno())
            return "250 OK"

    controller = Controller(Spool(), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["smtp"]:
        serve_smtp(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        raise SystemExit("usage: scale_fleet.py smtp PORT SPOOL")
