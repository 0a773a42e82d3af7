"""Fixtures for the report tests: a signing identity, a recording HTTP server, PDF readers."""

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from compliance.reports.signing import ensure_signing_identity, signing_files

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def signing(app):
    """Give the test instance a self-signed report signing identity, as `keys init` does."""
    ensure_signing_identity()
    return signing_files()


class RecordingServer(ThreadingHTTPServer):
    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), RecordingHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class RecordingHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.server.requests.append(self.path)
        body = b"body { background: red; } /* fetched */"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def http_server():
    """A real HTTP server on 127.0.0.1 that records every request it gets."""
    server = RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page, whitespace collapsed."""
    reader = PdfReader(BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def save_page_one(pdf: bytes, name: str) -> Path:
    """Write the PDF and a PNG of its first page into test-artifacts/ for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(ARTIFACTS / name)], check=True, timeout=60)
    return ARTIFACTS / f"{name}.png"


@pytest.fixture
def app_config():
    """Sign with the instance folder's own identity here, as `keys init` makes it."""
    return {"REPORT_SIGNING_KEY_FILE": None, "REPORT_SIGNING_CERT_FILE": None}
