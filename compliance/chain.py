"""The audit chain's encoding: canonical bytes, the hash links and the checkpoint signatures.

Pure functions, shared by the writer, the verifier and the exporter, so that all three agree on
every byte. An event's hash is sha256(previous hash || sha256(content)): the inner digest lets an
export show an event's place in the chain without showing the event.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
SEPARATOR = "\x1f"  # never in an actor, action, pseudonym or time; JSON text escapes it
CHECKPOINT_DOMAIN = b"fairscreen.audit-checkpoint.v1\n"


def canonical_json(value: Any) -> str:
    """Encode objects or details as sorted, compact JSON: one text for one value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def format_at(at: datetime) -> str:
    """Write an event's UTC time with microseconds, always in the same shape."""
    return f"{at:%Y-%m-%dT%H:%M:%S.%f}Z"


def content_bytes(seq: int, at: str, actor: str, action: str, subject: str | None,
                  objects: str, details: str) -> bytes:
    """Return the canonical encoding of an event's content (all but its links)."""
    return encode(seq, at, actor, action, subject, objects, details).encode()


def encode(seq: int, at: str, actor: str, action: str, subject: str | None, objects: str,
           details: str) -> str:
    """Join the content's fields; `valid` tells whether the join can be split back uniquely."""
    # A pseudonym is marked so that "no subject" and an empty one cannot be confused.
    marked = "" if subject is None else "=" + subject
    return f"{seq}\x1f{at}\x1f{actor}\x1f{action}\x1f{marked}\x1f{objects}\x1f{details}"


def valid(encoded: str) -> bool:
    """Tell whether no field smuggled in a separator (which would make the join ambiguous)."""
    return encoded.count(SEPARATOR) == 6


def content_digest(*fields: Any) -> bytes:
    """Return sha256 of the content's canonical bytes."""
    return hashlib.sha256(content_bytes(*fields)).digest()


def link(prev_hash: str, digest: bytes) -> str:
    """Return an event's hash from its predecessor's hash and its own content digest."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + digest).hexdigest()


def checkpoint_message(seq: int, head_hash: str, at: str) -> bytes:
    """Return what a checkpoint signs: the chain's head at one event, and when."""
    return CHECKPOINT_DOMAIN + f"{seq}{SEPARATOR}{head_hash}{SEPARATOR}{at}".encode()


def key_id(public_key: bytes) -> str:
    """Name a public key by a short fingerprint."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def sign(private_key: Ed25519PrivateKey, seq: int, head_hash: str, at: str) -> str:
    """Sign a checkpoint; return the signature in hex."""
    return private_key.sign(checkpoint_message(seq, head_hash, at)).hex()


def signature_valid(public_key: bytes, seq: int, head_hash: str, at: str, signature: str) -> bool:
    """Tell whether a checkpoint's signature holds under this public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            bytes.fromhex(signature), checkpoint_message(seq, head_hash, at)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
