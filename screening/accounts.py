"""The candidate's confirmed accounts between runs: check that one answers, correct, remove."""

from dataclasses import replace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete

from compliance import consent
from compliance.db import db
from screening.case import agreed_scope, scope
from screening.findings import Finding
from screening.lifecycle import Action, CaseError, check
from screening.models import Candidate
from screening.notices import consent_notice
from screening.sources import ClientSettings, GuardedClient, SourceError, SourceKind, Window
from screening.sources.errors import Failure
from screening.sources.fetching import fetch_source

# What to type per source, shown beside each field; examples, never anyone's real account.
EXAMPLES = {
    SourceKind.RSS: "https://example.com/feed.xml",
    SourceKind.MASTODON: "@name@mastodon.social",
    SourceKind.ACTIVITYPUB: "@name@example.social",
    SourceKind.GITHUB: "octocat",
    SourceKind.BLUESKY: "name.bsky.social",
}


def example_hint(kind: SourceKind | str) -> str:
    """Say what to type for a source, with an example."""
    return _("For example: %(example)s", example=EXAMPLES[SourceKind(kind)])


def check_account(kind: SourceKind | str, account: str) -> Failure | None:
    """Ask whether an account answers (one short read through the run's guarded client).

    Returns why it does not, or None. What is read is dropped at once: only the verdict leaves.
    """
    config = current_app.config
    settings = config.get("SOURCE_CLIENT_SETTINGS") or ClientSettings()
    seconds = float(config["ACCOUNT_CHECK_SECONDS"])
    quick = replace(settings, connect_timeout=min(settings.connect_timeout, seconds),
                    read_timeout=min(settings.read_timeout, seconds),
                    total_timeout=min(settings.total_timeout, seconds), max_retries=0)
    try:
        with GuardedClient(quick) as client:
            fetch_source(client, SourceKind(kind), account, Window(limit=1),
                         base_url=config.get("SOURCE_BASE_URLS", {}).get(str(kind)))
    except SourceError as error:
        return error.failure
    return None


def remove_account(candidate: Candidate, kind: str) -> None:
    """Withdraw the agreement for one source between runs; its findings go with it.

    The last account cannot be removed this way: that is withdrawing, which ends the case.
    """
    check(candidate, Action.SCREEN)  # not while a run reads it, not after the decision
    current = consent.current(candidate.subject)
    if kind not in current:
        raise CaseError("not_agreed")
    if set(current) == {kind}:
        raise CaseError("last_account")
    _sections, notice = consent_notice(candidate)
    kept = {**scope(candidate), **(agreed_scope(candidate) or {})}
    consent.withdraw_source(candidate.subject, kind, notice=notice, scope=kept,
                            language=candidate.language, method="portal-correction")
    db.session.execute(delete(Finding).where(Finding.candidate_id == candidate.id,
                                             Finding.source_kind == kind))
