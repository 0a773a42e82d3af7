"""A real HTTP server on 127.0.0.1 (and one on ::1) serving recorded responses and hostile ones."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from screening.sources.addresses import ALLOW_PRIVATE_ENV
from screening.sources.http import ClientSettings, GuardedClient

REALWORLD = Path(__file__).resolve().parents[3] / ".." / "shared" / "realworld"
Handler = Callable[[BaseHTTPRequestHandler], None]
# Every hostile stream the server writes stops by itself after this long.
STREAM_BOUND_SECONDS = 5.0


def recorded(relative: str) -> bytes:
    """Read a recorded real-world response from ../shared/realworld/."""
    return (REALWORLD / relative).read_bytes()


class RecordedServer:
    """Routes registered per test; records every request it gets."""

    def __init__(self, host: str, family: socket.AddressFamily) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.bytes_sent = 0
        outer = self

        class RequestHandler(BaseHTTPRequestHandler):
            timeout = 10
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body are two writes: avoid Nagle's delay on each response.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                outer.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                handler = outer.routes.get(self.path) or outer.routes.get(self.path.split("?")[0])
                try:
                    if handler is None:
                        reply(self, 404, b"not found", "text/plain")
                    else:
                        handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True

        self.httpd = Server((host, 0), RequestHandler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://{'[::1]' if family == socket.AF_INET6 else host}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def serve(self, path: str, body: bytes, content_type: str, **headers: str) -> str:
        return self.route(path, lambda h: reply(h, 200, body, content_type, **headers))

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p.split("?")[0] == path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(
    handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str, **headers: str
) -> None:
    """Write a complete response with a Content-Length."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def stream_chunks(handler: BaseHTTPRequestHandler, chunk: bytes, pause: float = 0.0) -> None:
    """Send a chunked body that never ends on its own, until the client leaves or time is up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    stop = time.monotonic() + STREAM_BOUND_SECONDS
    while time.monotonic() < stop:
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.flush()
        if pause:
            time.sleep(pause)


@pytest.fixture(scope="session")
def _server4() -> Iterator[RecordedServer]:
    server = RecordedServer("127.0.0.1", socket.AF_INET)
    yield server
    server.close()


@pytest.fixture(scope="session")
def _server6() -> Iterator[RecordedServer]:
    server = RecordedServer("::1", socket.AF_INET6)
    yield server
    server.close()


@pytest.fixture
def server(_server4: RecordedServer) -> RecordedServer:
    """The 127.0.0.1 server, with no routes left from other tests."""
    _server4.routes.clear()
    _server4.requests.clear()
    return _server4


@pytest.fixture
def server6(_server6: RecordedServer) -> RecordedServer:
    """The [::1] server, with no routes left from other tests."""
    _server6.routes.clear()
    _server6.requests.clear()
    return _server6


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


@pytest.fixture
def sleeps() -> list[float]:
    """Every sleep the client asked for, instead of sleeping."""
    return []


FAST = ClientSettings(
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=1.5,
    max_bytes=1024 * 1024,
    max_retries=2,
    backoff=0.01,
    max_retry_wait=5.0,
    min_interval=0.0,
)


@pytest.fixture
def guarded(sleeps: list[float]) -> Iterator[GuardedClient]:
    """A guarded client with tight limits whose retry sleeps are recorded, not slept."""
    with GuardedClient(FAST, sleep=sleeps.append) as client:
        yield client


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record every outgoing TCP connection attempt (the server side only accepts)."""
    attempts: list[tuple[str, int]] = []
    original = socket.create_connection

    def recording(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        attempts.append((address[0], address[1]))
        return original(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", recording)
    return attempts
