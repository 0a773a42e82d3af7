"""PAdES signatures on reports, with the organisation's certificate or a self-signed one.

The signature is an incremental update: the signed revision stays byte for byte the PDF/A file
WeasyPrint wrote, with an invisible (zero-size, printable) widget that PDF/A allows.
"""

import os
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import current_app

from compliance.db import utcnow

KEY_FILE = "report-signing-key.pem"
CERT_FILE = "report-signing-cert.pem"
FIELD_NAME = "FairscreenSignature"
VALID_YEARS = 5


class SigningError(RuntimeError):
    """No usable signing key and certificate; the message says what to do."""


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path


def signing_files() -> SigningFiles:
    """Return the configured key and certificate files, by default in the instance folder."""
    instance = Path(current_app.instance_path)
    return SigningFiles(
        key=Path(current_app.config.get("REPORT_SIGNING_KEY_FILE") or instance / KEY_FILE),
        cert=Path(current_app.config.get("REPORT_SIGNING_CERT_FILE") or instance / CERT_FILE),
    )


def create_self_signed(files: SigningFiles, organisation: str) -> bool:
    """Create a self-signed signing key and certificate unless both exist; tell if it did."""
    if files.key.exists() and files.cert.exists():
        return False
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation or 'Fairscreen'} reports"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or "Fairscreen"),
    ])
    now = utcnow()
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=True, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(files.key, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return True


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)  # also when the file existed with a wider mode


def certificate_pem(files: SigningFiles | None = None) -> bytes:
    """Return the signing certificate, which verifiers pin as their trust root."""
    files = files or signing_files()
    if not files.cert.exists():
        raise SigningError("No report signing certificate: run `flask --app wsgi keys init`.")
    return files.cert.read_bytes()


def _signer(files: SigningFiles):
    """Load the signing key and certificate (pyHanko is imported here, where it is used:
    most processes never sign)."""
    from pyhanko.sign import signers

    if not (files.key.exists() and files.cert.exists()):
        raise SigningError("No report signing key: run `flask --app wsgi keys init`.")
    signer = signers.SimpleSigner.load(str(files.key), str(files.cert))
    if signer is None:
        raise SigningError("The report signing key or certificate cannot be read.")
    return signer


def sign_pdf(pdf: bytes, *, reason: str, files: SigningFiles | None = None) -> bytes:
    """Sign the whole PDF (PAdES B-B) in an incremental update; return the signed bytes."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    signer = _signer(files or signing_files())
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    # Zero-size and printable: PDF/A needs no appearance stream for such a widget.
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, box=None))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason,
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def ensure_signing_identity() -> SigningFiles | None:
    """Create a self-signed identity if none is configured; return its files if it did."""
    files = signing_files()
    return files if create_self_signed(files, "") else None
