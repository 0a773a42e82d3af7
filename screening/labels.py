"""Translated labels for the closed vocabularies shown on pages."""

from collections.abc import Callable

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from compliance.rights import Right
from compliance.subjects import RetentionReason
from screening.lifecycle import Action, CaseError, CaseRecord, IllegalTransition
from screening.models import CaseState, Decision, SourceKind
from screening.sources.errors import Failure

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


ACTIONS = {
    Action.ASK_CONSENT: _l("ask for consent"),
    Action.AGREE: _l("agree"),
    Action.DECLINE: _l("decline"),
    Action.EXPIRE: _l("let the request expire"),
    Action.SCREEN: _l("screen"),
    Action.FINISH_RUN: _l("finish a screening"),
    Action.FAIL_RUN: _l("end a failed screening"),
    Action.FAIL_RERUN: _l("end a failed screening"),
    Action.DECIDE: _l("record a decision"),
    Action.ERASE: _l("end the case and erase its data"),
}
# What the candidate asked for, completing "Your request to ..." on their portal.
REQUESTED_RIGHTS = {
    Right.ACCESS: _l("see your data"),
    Right.RECTIFICATION: _l("correct your data"),
    Right.ERASURE: _l("erase your data"),
    Right.OBJECTION: _l("object to the processing"),
    Right.PORTABILITY: _l("receive a copy of your data"),
}
FAILURES = {
    Failure.INVALID_ACCOUNT: _l("the account is not a valid address for this source"),
    Failure.BLOCKED: _l("the address is not a public internet address"),
    Failure.TIMEOUT: _l("the source did not answer in time"),
    Failure.NETWORK: _l("the source could not be reached"),
    Failure.NOT_FOUND: _l("the account was not found"),
    Failure.GONE: _l("the account no longer exists"),
    Failure.FORBIDDEN: _l("the source refused access"),
    Failure.RATE_LIMITED: _l("the source asked us to slow down"),
    Failure.SERVER_ERROR: _l("the source had an error"),
    Failure.HTTP_ERROR: _l("the source answered with an error"),
    Failure.TOO_LARGE: _l("the source sent more than we read"),
    Failure.GARBAGE: _l("the address answered with something other than posts (a web page?)"),
    Failure.INVALID_EXPORT: _l("the export could not be read"),
}


def failure_label(code) -> str:
    """Say in plain words why a source could not be read."""
    try:
        return str(FAILURES[Failure(code)])
    except ValueError:
        return str(code)


def case_error_message(error: CaseError, specific: dict[str, Callable[[], str]]) -> str:
    """Turn a refused case operation into a sentence for a page."""
    if isinstance(error, IllegalTransition):
        return _("A case in the state \u201c%(state)s\u201d cannot %(action)s.",
                 state=case_state_label(error.state), action=str(ACTIONS[error.action]))
    if error.code == "comment_window":
        return _("The candidate can still add context to the findings until %(date)s: a "
                 "rejection must wait until then, unless they say they are done.",
                 date=format_datetime(error.facts["closes"], "short"))
    if error.code == "reasons":
        return _("Give the reasons for the rejection (at most %(n)s characters): the "
                 "candidate will read them.", n=error.facts["max_chars"])
    if error.code == "closed":
        return _("This vacancy is closed: open it again to add candidates.")
    return specific[error.code]()


ENDINGS = {
    RetentionReason.CONSENT_WITHDRAWN: _l("Candidate %(id)s withdrew on %(date)s; all data "
                                          "erased."),
    RetentionReason.CONSENT_DECLINED: _l("Candidate %(id)s declined on %(date)s; all data "
                                         "erased."),
    RetentionReason.CONSENT_UNANSWERED: _l("Candidate %(id)s did not answer; the request "
                                           "expired on %(date)s and all data was erased."),
    RetentionReason.ERASURE_REQUESTED: _l("Candidate %(id)s asked for erasure on %(date)s; "
                                          "all data erased."),
    RetentionReason.OBJECTION: _l("Candidate %(id)s objected on %(date)s; all data erased."),
}


def tombstone_line(record: CaseRecord) -> str:
    """Say where a candidate was what became of the case, without any personal data."""
    date = format_date(record.moved_at, "long")
    if record.why in set(RetentionReason) and RetentionReason(record.why) in ENDINGS:
        return str(ENDINGS[RetentionReason(record.why)]) % {"id": record.id, "date": date}
    return _("Candidate %(id)s: %(state)s on %(date)s; all data erased at the end of its "
             "retention period.", id=record.id, state=case_state_label(record.state), date=date)


def requested_right_label(right: Right) -> str:
    """Say what a rights request asks for, as the rest of "Your request to ..."."""
    return str(REQUESTED_RIGHTS[Right(right)])
