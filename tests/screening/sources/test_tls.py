"""Over TLS, the pinned connection still sends the host name as SNI and verifies it."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient
from tests.screening.sources.conftest import FAST

HOST = "feeds.example.test"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """Write a certificate for HOST only (not for 127.0.0.1) and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TLSServer:
    def __init__(self, cert: Path, key: Path) -> None:
        self.server_names: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda sock, name, ctx: self.server_names.append(name)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                body = b'{"host": "%s"}' % self.headers["Host"].encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TLSServer, ssl.SSLContext]]:
    cert, key = self_signed(tmp_path_factory.mktemp("tls"))
    server = TLSServer(cert, key)
    trust = ssl.create_default_context(cafile=str(cert))
    yield server, trust
    server.httpd.shutdown()
    server.httpd.server_close()


def test_sni_and_certificate_use_the_host_name(
    tls: tuple[TLSServer, ssl.SSLContext], sleeps: list[float], connects: list
) -> None:
    server, trust = tls
    server.server_names.clear()
    with GuardedClient(FAST, resolver=lambda h, p: ["127.0.0.1"], verify=trust) as client:
        body = client.get_json(f"https://{HOST}:{server.port}/feed")
    assert body == {"host": f"{HOST}:{server.port}"}
    assert server.server_names == [HOST]
    assert connects == [("127.0.0.1", server.port)]


def test_certificate_for_another_name_is_refused(
    tls: tuple[TLSServer, ssl.SSLContext], sleeps: list[float]
) -> None:
    server, trust = tls
    with GuardedClient(FAST, resolver=lambda h, p: ["127.0.0.1"], verify=trust) as client:
        with pytest.raises(SourceError) as caught:
            client.get(f"https://other.example.test:{server.port}/feed")
    assert caught.value.failure is Failure.NETWORK
