"""Verification of 1,000,000 events against plain hashlib over the same canonical bytes.

Target: within 3x of raw hashing. The raw hashing a verifier cannot avoid is the chain itself:
sha256 of each event's canonical bytes, then sha256 of the previous hash and that digest (the
inner digest is what lets an export redact an event and still be verified). Both baselines are
printed: one sha256 per event, and the same two-level chain in plain hashlib; the target is
read against the second. Run:
  python -m benchmarks.bench_audit_verify [--events 1000000] [--database sqlite]
"""

import sys
from pathlib import Path

# `make benchmarks` runs each file as a script: put the project root first on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import hashlib  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from sqlalchemy import insert  # noqa: E402

from benchmarks.harness import KEYS, Timer, database, dispose, make_app  # noqa: E402
from compliance import chain  # noqa: E402
from compliance.audit import AuditEvent  # noqa: E402
from compliance.checkpoints import AuditCheckpoint  # noqa: E402
from compliance.db import db, utcnow  # noqa: E402
from compliance.keys import public_key_bytes, signing_key  # noqa: E402
from compliance.verify import verify_database, verify_rows  # noqa: E402

KEY = signing_key(KEYS["AUDIT_SIGNING_KEY"])
PUBLIC = public_key_bytes(KEY)
EVERY = 1000


def build(count: int) -> tuple[list[tuple], list[dict], list[bytes]]:
    """Make a stored-shape chain, its checkpoints, and each event's canonical bytes."""
    rows, checkpoints, contents = [], [], []
    prev, at = chain.GENESIS, chain.format_at(utcnow())
    subject = "ab" * 32
    for seq in range(1, count + 1):
        fields = (seq, at, "user:7", "findings.viewed", subject if seq % 2 else None,
                  f'{{"candidate":{seq},"vacancy":3}}', '{"count":12}')
        content = chain.content_bytes(*fields)
        digest = hashlib.sha256(content).digest()
        stored = chain.link(prev, digest)
        rows.append((*fields, prev, stored))
        contents.append(content)
        if seq % EVERY == 0 or seq == count:
            checkpoints.append({"seq": seq, "hash": stored, "at": at,
                                "key_id": chain.key_id(PUBLIC),
                                "signature": chain.sign(KEY, seq, stored, at)})
        prev = stored
    return rows, checkpoints, contents


def plain_hashes(contents: list[bytes]) -> float:
    sha256 = hashlib.sha256
    with Timer() as timer:
        for content in contents:
            sha256(content).digest()
    return timer.seconds


def plain_chain(contents: list[bytes]) -> float:
    sha256, prev = hashlib.sha256, bytes(32)
    with Timer() as timer:
        for content in contents:
            prev = sha256(prev + sha256(content).digest()).digest()
    return timer.seconds


def in_database(backend: str, rows: list[tuple], checkpoints: list[dict]) -> float:
    with database(backend) as (url, folder):
        app = make_app(url, folder)
        with app.app_context():
            names = ("seq", "at", "actor", "action", "subject", "objects", "details",
                     "prev_hash", "hash")
            # Every built event carries the same time: store that time back as a datetime.
            at = datetime.strptime(rows[0][1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            for start in range(0, len(rows), 20000):
                batch = [dict(zip(names, (r[0], at, *r[2:]), strict=True))
                         for r in rows[start:start + 20000]]
                db.session.execute(AuditEvent.__table__.insert(), batch)
            db.session.execute(insert(AuditCheckpoint), [
                {"seq": c["seq"], "hash": c["hash"], "at": at, "key_id": c["key_id"],
                 "signature": c["signature"]} for c in checkpoints])
            db.session.commit()
            with Timer() as timer:
                report = verify_database(PUBLIC)
            assert report.ok and report.events == len(rows), report
            dispose()
    return timer.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], action="append",
                        default=[], help="also verify the chain stored in this database")
    args = parser.parse_args()
    rows, checkpoints, contents = build(args.events)
    # Best of three, interleaved: the machine is shared and single runs are noisy.
    single = chained = verify = float("inf")
    for _ in range(3):
        single, chained = min(single, plain_hashes(contents)), min(chained, plain_chain(contents))
        with Timer() as timer:
            report = verify_rows(rows, checkpoints, PUBLIC)
        assert report.ok and report.events == args.events, report
        verify = min(verify, timer.seconds)
    n = args.events
    print(f"{n} events, {len(checkpoints)} checkpoints")
    print(f"plain hashlib, one sha256 per event:        {single:7.3f} s")
    print(f"plain hashlib, the same two-level chain:    {chained:7.3f} s")
    print(f"verify (encode, hash, link, signatures):    {verify:7.3f} s  "
          f"{verify / single:4.2f}x one sha256, {verify / chained:4.2f}x the chain "
          "(target <= 3x the chain)")
    for backend in args.database:
        seconds = in_database(backend, rows, checkpoints)
        print(f"verify from {backend:<10} (incl. reading): {seconds:7.3f} s  "
              f"{seconds / single:4.2f}x one sha256, {seconds / chained:4.2f}x the chain")


if __name__ == "__main__":
    main()
