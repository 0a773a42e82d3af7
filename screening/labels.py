"""Translated labels for the closed vocabularies shown on pages."""

import re
from collections.abc import Callable
from datetime import date, datetime

from babel import dates
from flask import Flask
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    get_locale,
    to_user_timezone,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from compliance.accounts import Role
from compliance.consent import ConsentDecision, ConsentPurpose
from compliance.rights import RequestStatus, Right
from compliance.subjects import RetentionReason
from compliance.web import translations
from screening.lifecycle import Action, CaseError, CaseRecord, IllegalTransition
from screening.models import CaseState, Decision, SourceKind, VacancyStatus
from screening.sources.archives import MB
from screening.sources.errors import Failure, Problem, SourceError

CASE_STATES = {
    CaseState.ADDED: _l("Added"),
    CaseState.CONSENT_REQUESTED: _l("Agreement requested"),
    CaseState.CONSENTED: _l("Agreement given"),
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


CONSENT_DECISIONS = {ConsentDecision.GIVEN: _l("Agreed"), ConsentDecision.DECLINED: _l("Declined"),
                     ConsentDecision.WITHDRAWN: _l("Agreement withdrawn")}
# The talent pool is the one real consent (Art. 6(1)(a)); screening rests on an agreement.
POOL_CONSENT = {ConsentDecision.GIVEN: _l("Consent given"),
                ConsentDecision.DECLINED: _l("Consent declined"),
                ConsentDecision.WITHDRAWN: _l("Consent withdrawn")}
CONSENT_PURPOSES = {ConsentPurpose.SCREENING: _l("Screening of your public posts"),
                    ConsentPurpose.TALENT_POOL: _l("Talent pool")}
REQUEST_STATUSES = {RequestStatus.OPEN: _l("Open"), RequestStatus.ON_HOLD: _l("On hold"),
                    RequestStatus.DONE: _l("Done"), RequestStatus.REFUSED: _l("Refused")}
RIGHTS = {Right.ACCESS: _l("Access"), Right.RECTIFICATION: _l("Rectification"),
          Right.ERASURE: _l("Erasure"), Right.OBJECTION: _l("Objection"),
          Right.PORTABILITY: _l("Portability")}
VACANCY_STATUSES = {VacancyStatus.OPEN: _l("open"), VacancyStatus.CLOSED: _l("closed")}
ROLES = {Role.RECRUITER: _l("Recruiter"), Role.LEGAL: _l("Legal counsel"),
         Role.ADMIN: _l("Administrator")}
LANGUAGES = {"en": _l("English"), "nl": _l("Dutch")}
MAIL_STATUSES = {"stored": _l("Stored"), "queued": _l("Queued"), "sending": _l("Being sent"),
                 "sent": _l("Sent"), "failed": _l("Failed")}
RUN_STATUSES = {"queued": _l("Queued"), "running": _l("Running"), "done": _l("Done"),
                "failed": _l("Failed"), "stopped": _l("Stopped")}
# Why a screening run ended without results (ScreeningRun.error).
RUN_ERRORS = {"all_sources_failed": _l("no source could be read"),
              "no_consent": _l("no source had the candidate's agreement"),
              "consent_withdrawn": _l("the candidate withdrew their agreement"),
              "internal_error": _l("an error on our side"),
              # Its consumers died MAX_ATTEMPTS times (screening/run_leases.py).
              "interrupted": _l("the screening was interrupted too often")}
# The closed vocabularies a template may name through the `label` filter.
VOCABULARIES = {
    "case_state": CASE_STATES, "decision": DECISIONS, "source": SOURCES,
    "consent": CONSENT_DECISIONS, "pool_consent": POOL_CONSENT, "purpose": CONSENT_PURPOSES,
    "right": RIGHTS, "request_status": REQUEST_STATUSES, "vacancy_status": VACANCY_STATUSES,
    "role": ROLES, "language": LANGUAGES, "mail_status": MAIL_STATUSES,
    "run_status": RUN_STATUSES, "run_error": RUN_ERRORS,
}


def run_error_label(code) -> str:
    """Say why a screening run ended without results; an unknown code is shown as it is."""
    return label(code, "run_error") or str(RUN_ERRORS["internal_error"])


def label(value, *vocabularies: str) -> str:
    """Name a value of a closed vocabulary (the first of `vocabularies` that has it) in the
    reader's language; an unknown value is a bug the catalogue test catches, so it is shown
    as it is rather than hidden."""
    if value is None or value == "":
        return ""
    # A list page names the same few states many times.
    return translations.remembered((value, vocabularies), lambda: _name(value, vocabularies))


def _name(value, vocabularies: tuple[str, ...]) -> str:
    for vocabulary in vocabularies:
        text = next((t for key, t in VOCABULARIES[vocabulary].items() if key == value), None)
        if text is not None:
            return str(text)
    return str(value)


# A state's badge: the label says the state; the tone's colour only repeats it, so nothing is
# told by colour alone. Each tone's text and border meet WCAG AA on its background (style.css).
TONES = {
    "case_state": {"added": "neutral", "consent_requested": "wait", "consented": "ready",
                   "screening": "wait", "screened": "ready", "decided": "done",
                   "declined": "ended", "expired": "ended", "erased": "ended"},
    "run_status": {"queued": "wait", "running": "wait", "done": "done", "failed": "bad",
                   "stopped": "ended"},
}


def badge(value, vocabulary: str) -> Markup:
    """A case state or run status as a labelled badge, in the reader's language; made once per
    state while the locale is in force (a list page shows the same few dozens of times)."""
    tone = TONES[vocabulary].get(str(getattr(value, "value", value)), "neutral")
    return translations.remembered(("badge", value, vocabulary), lambda: Markup(
        '<span class="badge tone-{}">{}</span>').format(tone, label(value, vocabulary)))


# The placeholders the redaction writes into stored excerpts (screening.classifier.redaction).
PLACEHOLDERS = {"[person]": _l("[person]"), "[handle]": _l("[handle]"),
                "[email]": _l("[email]"), "[phone]": _l("[phone]")}
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


def redacted(text) -> Markup:
    """Escape a stored excerpt and name its redaction placeholders in the reader's language."""
    escaped = str(escape(text or ""))
    return Markup(_PLACEHOLDER.sub(lambda m: str(escape(PLACEHOLDERS[m.group(0)])), escaped))


def _moment(value) -> datetime | date | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if value else None
    return value


def long_date(value) -> str:
    """A date as the reader says it ("4 december 2026"), in the instance's time zone."""
    value = _moment(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return dates.format_date(value, "long", locale=_reader_locale())


def long_datetime(value, seconds: bool = False) -> str:
    """A moment as the reader says it: the long date and the time, in the instance's zone."""
    value = _moment(value)
    if value is None:
        return ""
    locale, moment = _reader_locale(), to_user_timezone(value)
    time = dates.format_time(moment, "medium" if seconds else "short", locale=locale)
    return _("%(date)s at %(time)s", time=time,
             date=dates.format_date(moment, "long", locale=locale))


def _reader_locale():
    """The reader's locale, looked up once while it is in force: Flask-Babel's format_date and
    format_time look it up through Flask's context for every moment, and a timeline says
    dozens. The moments are rebased to the instance's zone as they do (to_user_timezone)."""
    return translations.remembered("locale", get_locale)


def notice_label(version: str) -> str:
    """Name a stored notice version ("consent-notice/2/nl") for the candidate."""
    kind, _sep, rest = (version or "").partition("/")
    number, _sep, language = rest.partition("/")
    names = {"consent-notice": _l("the information on screening"),
             "talent-pool-notice": _l("the talent-pool text")}
    if kind not in names or not number.isdigit():
        return str(version or "")
    return _("%(notice)s, version %(number)s (%(language)s)", notice=str(names[kind]),
             number=number, language=label(language, "language") or language)


def init_app(app: Flask) -> None:
    """Give every template the labels and date helpers, pages and PDFs alike."""
    app.jinja_env.filters.update(label=label, badge=badge, redacted=redacted, long_date=long_date,
                                 long_datetime=long_datetime, notice_label=notice_label)


PROBLEMS = {
    Problem.NO_ACCOUNT_SOURCE: _l("This source does not take an account."),
    Problem.ACCOUNT_EMPTY: _l("Give the account, without spaces."),
    Problem.FEED_SCHEME: _l("A feed is an https:// address, for example "
                            "https://example.org/feed."),
    Problem.FEED_CREDENTIALS: _l("A feed address may not contain a user name or password."),
    Problem.FEED_HOST: _l("A feed address needs a host name, for example "
                          "https://example.org/feed."),
    Problem.MASTODON_URL: _l("A Mastodon profile address looks like "
                             "https://instance.social/@name."),
    Problem.MASTODON_HANDLE: _l("A Mastodon account looks like @name@instance.social."),
    Problem.BLUESKY_URL: _l("A Bluesky profile address looks like "
                            "https://bsky.app/profile/name."),
    Problem.BLUESKY_DID: _l("A Bluesky DID looks like did:plc:... (24 characters) or "
                            "did:web:..."),
    Problem.BLUESKY_HANDLE: _l("A Bluesky account looks like name.bsky.social or a domain "
                               "name."),
    Problem.GITHUB_URL: _l("A GitHub profile address looks like https://github.com/name."),
    Problem.GITHUB_LOGIN: _l("A GitHub account name has at most 39 letters, digits or single "
                             "hyphens, and no hyphen at the start or end."),
    Problem.UNRECOGNISED_EXPORT: _l("this is not an export we know: upload the X archive (ZIP), "
                                    "the LinkedIn export (ZIP, or its Profile, Positions, "
                                    "Skills or Shares CSV file) or the Mastodon archive (ZIP or "
                                    "outbox.json)"),
    Problem.FILE_TOO_LARGE: _l("the file is larger than %(limit)s MB"),
    Problem.UPLOAD_TOO_LARGE: _l("the file is larger than %(limit)s MB"),
    Problem.MEMBER_TOO_LARGE: _l("%(file)s unpacks to more than %(limit)s MB"),
    Problem.ARCHIVE_TOO_LARGE: _l("the ZIP file unpacks to more than %(limit)s MB"),
    Problem.ZIP_BOMB: _l("the ZIP file unpacks to more than %(ratio)s times its own size"),
    Problem.NOT_A_ZIP: _l("the ZIP file cannot be opened"),
    Problem.MEMBER_UNREADABLE: _l("%(file)s in the ZIP file cannot be read"),
    Problem.TOO_NESTED: _l("%(file)s holds far more nested items than any real export"),
    Problem.TOO_MANY_FILES: _l("the ZIP file holds more than %(count)s files"),
    Problem.ENCRYPTED: _l("%(file)s is protected with a password: upload the export as you "
                          "downloaded it"),
    Problem.NESTED_ARCHIVE: _l("%(file)s is an archive inside the archive, which we do not "
                               "open"),
    Problem.PACKING: _l("%(file)s is packed in a way that exports are not"),
    Problem.PATH_TRAVERSAL: _l("%(file)s points outside the ZIP file"),
    Problem.NUL_NAME: _l("a file name in the ZIP file is not valid"),
    Problem.NOT_X_DATA: _l("%(file)s is not a data file of an X archive"),
    Problem.BAD_JSON: _l("%(file)s is damaged (it is not valid JSON)"),
    Problem.NOT_A_LIST: _l("%(file)s does not hold a list of posts"),
    Problem.TOO_MANY_ROWS: _l("%(file)s has more than %(count)s rows"),
    Problem.BAD_CSV: _l("%(file)s is not a readable CSV file"),
    Problem.NOT_LINKEDIN: _l("%(file)s is not a Profile, Positions, Skills or Shares file of a "
                             "LinkedIn export"),
    Problem.NOT_AN_OUTBOX: _l("outbox.json is not the outbox of a Mastodon archive"),
}


def source_error_message(error: SourceError) -> str:
    """Say what was wrong with an account or an upload in the reader's language; a problem
    without words of its own is named by its failure, never by the developer's message."""
    if error.problem is None or error.problem not in PROBLEMS:
        return failure_label(error.failure)
    facts = dict(error.facts)
    if "limit" in facts:
        facts["limit"] = format_decimal(round(facts["limit"] / MB, 1))
    for name in ("count", "ratio"):
        if name in facts:
            facts[name] = format_decimal(facts[name])
    return str(PROBLEMS[error.problem]) % facts
