"""Idempotency keys for the POSTs that start work: a retried request replays the first answer.

The work, the stored answer and the key commit in one transaction, so a key is never stored
without its work nor the work done twice; what must follow the commit (an e-mail, a queued
task) is handed over with `after_commit`.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import Response, g, request
from flask_smorest import abort
from huey import crontab
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from compliance.db import UTCDateTime, db, utcnow
from compliance.queue import periodic
from screening.api.auth import api_user

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)


class IdempotencyRecord(db.Model):
    """The first answer to a keyed request; it holds ids and states, never personal data."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def after_commit(action: Callable[[], object]) -> None:
    """Run `action` once the request's work has committed."""
    g.setdefault("after_commit", []).append(action)


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.body, status=record.status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    if record.location:
        response.headers["Location"] = record.location
    return response


def _stored(user_id: int, key: str) -> IdempotencyRecord | None:
    """Return the live record for a key; one older than KEEP_FOR is forgotten."""
    db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key,
        IdempotencyRecord.created_at < utcnow() - KEEP_FOR))
    return db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))


@periodic("api.forget_idempotency_keys", crontab(minute="23"))
def forget_old_keys() -> None:
    """Delete the answers kept longer than KEEP_FOR; their keys are free again."""
    db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.created_at < utcnow() - KEEP_FOR))
    db.session.commit()


def idempotent(view):
    """Require an Idempotency-Key; replay its first successful answer, refuse its misuse."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER, "")
        if not 0 < len(key) <= 255:
            return view(*args, **kwargs)  # the header schema refuses it with 422
        user, fingerprint = api_user(), _fingerprint()
        record = _stored(user.id, key)
        if record is not None:
            if record.fingerprint != fingerprint:
                abort(422, problem="idempotency-key-reused",
                      message="This Idempotency-Key was used for another request.")
            return _replay(record)
        response = view(*args, **kwargs)
        if response.status_code < 300:
            db.session.add(IdempotencyRecord(
                user_id=user.id, key=key, fingerprint=fingerprint,
                status=response.status_code, body=response.get_data(as_text=True),
                location=response.headers.get("Location")))
        _commit()
        for action in g.pop("after_commit", []):
            action()
        return response
    return wrapper


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same key, sent twice at once: the other one won
        db.session.rollback()
        g.pop("after_commit", None)
        abort(409, problem="idempotency-key-in-use",
              message="A request with this Idempotency-Key is being processed; retry later.")
