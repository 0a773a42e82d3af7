"""Witnessed heads: signed checkpoints copied where the database's owner cannot rewrite them.

Like the signed tree heads of RFC 9162, a checkpoint (event number, head hash, time, signature)
is small, and any copy of it pins the whole chain up to that event. Copies go into an
append-only file outside the database's folder (if configured), into every PDF report and into
the DPO's daily digest. Checking the database against copies gathered from those places catches
what the database alone cannot show: a truncated tail, checkpoints deleted with it, a log
rewritten from its first event, or emptied.
"""

import email
import email.policy
import fcntl
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from compliance import chain

log = logging.getLogger(__name__)

WITNESS_FILE = "AUDIT_WITNESS_FILE"
PENDING = "fairscreen.witness_pending"
PREFIX = "fairscreen-audit-head"
# Fields may be split by any white space, so a head survives line-wrapping in mail and PDFs.
HEAD_TEXT = re.compile(
    PREFIX + r"\s+seq=(\d{1,18})\s+hash=([0-9a-f]{64})\s+at=(\d{4}-\d\d-\d\dT[\d:.]{15}Z)"
    r"\s+key=([0-9a-f]{16})\s+sig=([0-9a-f]{128})"
)


MAIL_ENCODING = re.compile(r"^Content-Transfer-Encoding:", re.MULTILINE | re.IGNORECASE)


class WitnessError(ValueError):
    """A witness source holds no usable heads, or cannot be read; the message says why."""


@dataclass(frozen=True, order=True)
class Head:
    """A signed checkpoint as witnessed; `stored` ones must also be found in the database."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str
    stored: bool = True

    def line(self) -> str:
        """Write the head as one line of text: the form the file, mail and PDFs carry."""
        return (f"{PREFIX} seq={self.seq} hash={self.hash} at={self.at} key={self.key_id} "
                f"sig={self.signature}")

    def signed_by(self, public_key: bytes) -> bool:
        return self.key_id == chain.key_id(public_key) and chain.signature_valid(
            public_key, self.seq, self.hash, self.at, self.signature)

    @classmethod
    def of(cls, checkpoint: dict[str, Any], *, stored: bool = True) -> "Head":
        """Read a checkpoint as `AuditCheckpoint.as_dict` and exports write it."""
        try:
            head = cls(checkpoint["seq"], checkpoint["hash"], checkpoint["at"],
                       checkpoint["key_id"], checkpoint["signature"], stored)
        except (KeyError, TypeError) as error:
            raise WitnessError("a checkpoint in the file is incomplete") from error
        if not HEAD_TEXT.fullmatch(cls.line(head)) or type(head.seq) is not int:
            raise WitnessError("a checkpoint in the file is malformed")
        return head


def heads_in_text(text: str) -> list[Head]:
    """Find every head written as a line of text, wherever it stands."""
    return [Head(int(m[1]), m[2], m[3], m[4], m[5]) for m in HEAD_TEXT.finditer(text)]


def heads_in(data: bytes) -> list[Head]:
    """Find the heads in a witness file, pasted text, an audit export or a PDF report."""
    if data.startswith(b"%PDF"):
        return _heads_in_pdf(data)
    text = data.decode("utf-8", errors="replace")
    if MAIL_ENCODING.search(text):  # a saved e-mail: read its decoded text parts
        message = email.message_from_string(text, policy=email.policy.default)
        text += "\n".join(part.get_content() for part in message.walk()
                          if part.get_content_type() == "text/plain")
    heads = heads_in_text(text)
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if isinstance(document, dict):
            heads += _heads_in_export(document)
    return sorted(set(heads))


def _heads_in_export(document: dict[str, Any]) -> list[Head]:
    """An audit export: its stored checkpoints, the log's head at export, its closing one."""
    from compliance.audit_export import FORMAT  # the exporter imports this module

    if document.get("format") != FORMAT:
        return []
    stored = document.get("checkpoints")
    heads = [Head.of(c) for c in (stored if isinstance(stored, list) else [])]
    if isinstance(document.get("head_checkpoint"), dict):
        heads.append(Head.of(document["head_checkpoint"]))
    if isinstance(document.get("export_checkpoint"), dict):
        # Signed at export time over the export's last event, but never stored.
        heads.append(Head.of(document["export_checkpoint"], stored=False))
    return heads


def _heads_in_pdf(data: bytes) -> list[Head]:
    from compliance.reports.pdfa import attachments

    try:
        files = attachments(data)
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise WitnessError("the PDF cannot be read") from error
    return [head for raw in files.values() for head in heads_in(raw)]


def read_sources(sources: Iterable[tuple[str, bytes]]) -> list[Head]:
    """Collect the heads of several named sources; a source without any is an error."""
    heads: set[Head] = set()
    for name, data in sources:
        found = heads_in(data)
        if not found:
            raise WitnessError(f"{name} holds no signed audit head")
        heads.update(found)
    return sorted(heads)


# --- the append-only file --------------------------------------------------------------------

def location_problem(config: dict[str, Any]) -> str | None:
    """Tell why the configured witness file cannot witness anything, if it cannot."""
    path = config.get(WITNESS_FILE)
    if not path:
        return None
    target = Path(path).expanduser().resolve()
    folders = []
    for uri in [config.get("SQLALCHEMY_DATABASE_URI"),
                *(config.get("SQLALCHEMY_BINDS") or {}).values()]:
        url = make_url(uri) if uri else None
        if url is not None and url.get_backend_name() == "sqlite" and url.database:
            folders.append(Path(url.database).expanduser().resolve().parent)
    if any(target.is_relative_to(folder) for folder in folders):
        return (f"FAIRSCREEN_{WITNESS_FILE} must be outside the SQLite database's folder: "
                "whoever can rewrite the database could rewrite it too.")
    if not target.parent.is_dir():
        return f"FAIRSCREEN_{WITNESS_FILE}: the folder {target.parent} does not exist."
    return None


def queue(checkpoint: dict[str, Any], config: dict[str, Any]) -> None:
    """Hold a new checkpoint until its transaction commits, then append it to the file."""
    path = config.get(WITNESS_FILE)
    if path:
        from compliance.db import db

        db.session.info.setdefault(PENDING, []).append((path, Head.of(checkpoint).line()))


@event.listens_for(Session, "after_commit")
def _append_committed(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    by_path: dict[str, list[str]] = {}
    for path, line in pending or []:
        by_path.setdefault(path, []).append(line)
    for path, lines in by_path.items():
        append(Path(path), lines)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


def append(path: Path, lines: list[str]) -> bool:
    """Append lines with one write under an exclusive lock, and sync; never truncate."""
    data = "".join(line + "\n" for line in lines).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        # The checkpoint is committed; only its copy is missing. Say so loudly.
        log.error("could not append %d audit head(s) to the witness file %s (%s)",
                  len(lines), path, type(error).__name__)
        return False
    return True


# --- checking the database against witnessed heads ---------------------------------------------

@dataclass
class Finding:
    seq: int
    problem: str


def check(heads: Iterable[Head], public_key: bytes, head_seq: int) -> Finding | None:
    """Check each witnessed head against the stored log that ends at `head_seq`."""
    from compliance.audit import AuditEvent
    from compliance.checkpoints import AuditCheckpoint
    from compliance.db import db

    heads = sorted(set(heads))
    for head in heads:
        if not head.signed_by(public_key):
            return Finding(head.seq, "a witnessed head is not signed by this instance's key")
    seqs = sorted({h.seq for h in heads if h.seq <= head_seq})
    hashes, stored = {}, set()
    for start in range(0, len(seqs), 500):
        batch = seqs[start:start + 500]
        hashes.update(db.session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(batch))).all())
        stored.update(db.session.scalars(
            select(AuditCheckpoint.seq).where(AuditCheckpoint.seq.in_(batch))))
    for head in heads:
        if head.seq > head_seq:
            return Finding(head.seq, f"the log ends at event {head_seq}, but a head witnessed "
                                     f"outside the database covers event {head.seq}: events "
                                     "were removed")
        if hashes.get(head.seq) != head.hash:
            return Finding(head.seq, "the event differs from its head witnessed outside the "
                                     "database: the log was rewritten")
        if head.stored and head.seq not in stored:
            return Finding(head.seq, "the signed checkpoint of this event, witnessed outside "
                                     "the database, is missing from it: checkpoints were "
                                     "deleted")
    return None
