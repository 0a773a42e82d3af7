"""Fresh links for a candidate whose link has expired or was already used."""

import hmac

from compliance import audit, tokens
from compliance.audit import AuditAction
from compliance.db import db
from compliance.personal import keyed_hash
from compliance.tokens import Purpose
from screening.case import CONSENT_LIFETIME, PORTAL_LIFETIME
from screening.lifecycle import Action, CaseState, allowed
from screening.models import Candidate
from screening.notices import MessageKind, mail, public_url


def candidate_of_link(raw: str) -> Candidate | None:
    """Return the case a link was issued for, live or not; None for a forged link."""
    token = tokens.lookup(raw)
    if token is None:
        return None
    return db.session.scalar(db.select(Candidate).where(
        Candidate.subject_id == token.subject_id))


def send_fresh_link(raw: str, address: str) -> bool:
    """Send a fresh portal link to the case's own address if `address` is it.

    The caller answers the same whatever this returns, so nobody learns whether an address is
    on file. Nothing is revoked: earlier live links keep working. An ended case gets nothing.
    """
    candidate = candidate_of_link(raw)
    if candidate is None or candidate.state == CaseState.ERASED \
            or candidate.subject.erasing_since is not None:
        return False
    matches = hmac.compare_digest(keyed_hash(address, purpose="fresh-link"),
                                  keyed_hash(candidate.email, purpose="fresh-link"))
    audit.record(AuditAction.LINK_REQUESTED, actor="candidate", subject=candidate.subject,
                 objects={"candidate": candidate.id}, sent=matches)
    if not matches:
        return False
    portal = tokens.issue(candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    consent_link = None
    if allowed(candidate, Action.AGREE):  # still waiting for the answer: that link too
        answer = tokens.issue(candidate.subject, Purpose.CONSENT, CONSENT_LIFETIME)
        consent_link = public_url(f"/consent/{answer}")
    mail(MessageKind.FRESH_LINK, candidate, portal_link=public_url(f"/portal/{portal}"),
         consent_link=consent_link)
    return True
