"""Translated labels for the closed vocabularies shown on pages."""

from flask_babel import lazy_gettext as _l

from screening.models import CaseState, Decision, SourceKind

CASE_STATES = {
    CaseState.ADDED: _l("Added"),
    CaseState.CONSENT_REQUESTED: _l("Consent requested"),
    CaseState.CONSENTED: _l("Consent given"),
    CaseState.DECLINED: _l("Declined"),
    CaseState.EXPIRED: _l("Request expired"),
    CaseState.SCREENING: _l("Screening"),
    CaseState.SCREENED: _l("Screened"),
    CaseState.DECIDED: _l("Decided"),
    CaseState.ERASED: _l("Erased"),
}
DECISIONS = {Decision.HIRED: _l("Hired"), Decision.REJECTED: _l("Rejected"),
             Decision.WITHDRAWN: _l("Withdrawn")}
SOURCES = {
    SourceKind.RSS: _l("Blog or feed (RSS/Atom)"),
    SourceKind.MASTODON: _l("Mastodon"),
    SourceKind.ACTIVITYPUB: _l("ActivityPub outbox"),
    SourceKind.GITHUB: _l("GitHub"),
    SourceKind.BLUESKY: _l("Bluesky"),
    SourceKind.X_ARCHIVE: _l("X/Twitter archive"),
    SourceKind.LINKEDIN_EXPORT: _l("LinkedIn data export"),
    SourceKind.MASTODON_ARCHIVE: _l("Mastodon archive"),
}


def case_state_label(state) -> str:
    return str(CASE_STATES[CaseState(state)])


def decision_label(decision) -> str:
    return str(DECISIONS[Decision(decision)]) if decision else ""


def source_label(kind) -> str:
    return str(SOURCES[SourceKind(kind)])
