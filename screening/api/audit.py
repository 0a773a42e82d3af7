"""Audit the API's reads of personal data: one event per person read, ids only."""

from compliance import audit
from compliance.accounts import User
from compliance.audit import AuditAction
from compliance.db import db
from compliance.subjects import Subject


def record_reads(user: User, reads: list[tuple[Subject, dict]]) -> None:
    """Record that `user` read these subjects' data (with the objects read), and commit."""
    if not reads:
        return
    audit.record_many(AuditAction.PERSONAL_DATA_VIEWED, actor=user, entries=[
        (audit.pseudonym(subject), objects, {"via": "api"}) for subject, objects in reads])
    db.session.commit()
