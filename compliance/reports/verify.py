"""Check a report PDF on its own: the signature, the embedded JSON, and the audit chain in it."""

import json
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from compliance.audit_export import FORMAT as AUDIT_EXPORT_FORMAT
from compliance.audit_export import verify_file
from compliance.reports.pdfa import attachments, conformance

DATA_FORMATS = ("fairscreen.access-report.v1", "fairscreen.ropa.v1", "fairscreen.dpia.v1",
                AUDIT_EXPORT_FORMAT)


@dataclass
class Check:
    name: str
    ok: bool
    message: str


@dataclass
class PdfVerification:
    """The outcome of every check, in the order they ran."""

    checks: list[Check] = field(default_factory=list)
    data: dict | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, ok: bool, message: str) -> bool:
        self.checks.append(Check(name, ok, message))
        return ok


def verify_pdf(pdf: bytes, *, trusted_cert: bytes | None = None,
               trusted_key: bytes | None = None) -> PdfVerification:
    """Run every check; pin the signer to `trusted_cert` and the chain to `trusted_key` if given."""
    result = PdfVerification()
    check_signature(pdf, trusted_cert, result)
    check_pdfa(pdf, result)
    data = check_data(pdf, result)
    if data is not None and data[1].get("format") == AUDIT_EXPORT_FORMAT:
        check_chain(data[0], trusted_key, result)
    return result


def check_signature(pdf: bytes, trusted_cert: bytes | None, result: PdfVerification) -> bool:
    """Check that one valid signature covers the whole file, by the pinned signer if any."""
    try:
        signatures = PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return result.add("signature", False, f"not a readable PDF ({type(error).__name__})")
    if len(signatures) != 1:
        return result.add("signature", False, f"expected one signature, found {len(signatures)}")
    signature = signatures[0]
    # Unpinned, the signer's own certificate is trusted: integrity only, as the message says.
    roots = (list(load_certs_from_pemder_data(trusted_cert)) if trusted_cert
             else [signature.signer_cert])
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    except (PdfError, ValueError, KeyError, TypeError) as error:
        return result.add("signature", False, f"cannot be validated ({type(error).__name__})")
    if not (status.intact and status.valid):
        return result.add("signature", False, "the signed bytes were changed")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return result.add("signature", False, "the signature does not cover the whole file")
    if not status.trusted:
        return result.add("signature", False, "the signer is not the trusted certificate")
    pinned = "the pinned certificate" if trusted_cert else "its own certificate (not pinned)"
    who = signature.signer_cert.subject.human_friendly
    return result.add("signature", True, f"valid, whole file, by {who}, trusted as {pinned}")


def check_pdfa(pdf: bytes, result: PdfVerification) -> bool:
    """Check that the metadata declares PDF/A-3 (b or u)."""
    try:
        part, level = conformance(pdf)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        return result.add("pdf/a", False, f"metadata unreadable ({type(error).__name__})")
    ok = part == "3" and (level or "").upper() in ("B", "U")
    return result.add("pdf/a", ok, f"declares PDF/A-{part}{(level or '').lower()}")


def check_data(pdf: bytes, result: PdfVerification) -> tuple[bytes, dict] | None:
    """Extract the one embedded JSON document and check it names a known format."""
    try:
        files = attachments(pdf)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        result.add("data", False, f"attachments unreadable ({type(error).__name__})")
        return None
    if len(files) != 1:
        result.add("data", False, f"expected one embedded file, found {len(files)}")
        return None
    name, raw = next(iter(files.items()))
    try:
        data = json.loads(raw)
    except ValueError:
        result.add("data", False, f"{name} is not JSON")
        return None
    if not isinstance(data, dict) or data.get("format") not in DATA_FORMATS:
        result.add("data", False, f"{name} is not a Fairscreen report's data")
        return None
    result.data = data
    result.add("data", True, f"{name}: {data['format']}, {len(raw)} bytes")
    return raw, data


def check_chain(raw: bytes, trusted_key: bytes | None, result: PdfVerification) -> bool:
    """Recompute the embedded audit export's chain and checkpoints with the audit verifier."""
    report = verify_export_bytes(raw, trusted_key)
    if report.ok:
        return result.add("chain", True, f"{report.events} events and {report.checkpoints} "
                                         f"checkpoints verified; head {report.head_seq}")
    where = f"event {report.bad_seq}" if report.bad_seq is not None else "the export"
    return result.add("chain", False, f"fails at {where}: {report.problem}")


def verify_export_bytes(raw: bytes, trusted_key: bytes | None = None):
    """Verify an audit export held in memory, through the file verifier `audit verify` uses."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_bytes(raw)
        return verify_file(path, trusted_key)
