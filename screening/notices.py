"""The texts candidates are shown: the consent notice (versioned, stored as shown) and e-mails."""

import enum
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from compliance import outbox
from compliance.consent import Notice
from compliance.mail import clean_text
from compliance.organisation import get_settings
from screening.labels import source_label
from screening.models import Candidate

NOTICE_VERSION = "consent-notice/1"
TALENT_POOL_VERSION = "talent-pool-notice/1"


class MessageKind(enum.StrEnum):
    """Every e-mail a candidate gets, each with its template `templates/email/<kind>.txt`; the
    outbox stores it under this kind."""

    CONSENT_REQUEST = "consent_request"
    CONSENT_REMINDER = "consent_reminder"
    SCREENED_NOTICE = "screened_notice"  # Art. 14: what was collected, from where
    CORRECT_ACCOUNTS = "correct_accounts"  # after a run that could read no source
    TALENT_POOL_RENEWAL = "talent_pool_renewal"
    FRESH_LINK = "fresh_link"  # asked for from an expired or used link


@dataclass(frozen=True)
class Section:
    title: str
    text: str


def consent_sections(candidate: Candidate) -> list[Section]:
    """Say, in plain words, everything the candidate must know before agreeing (Art. 13)."""
    vacancy, settings = candidate.vacancy, get_settings()
    assessment = vacancy.assessment
    sources = ", ".join(source_label(k) for k in vacancy.allowed_sources)
    return [
        Section(_("Who asks"), _(
            "%(controller)s (%(address)s) is responsible for this processing. You can reach its "
            "data protection officer at %(dpo)s.", controller=settings.controller_name or "-",
            address=settings.controller_address or "-", dpo=settings.dpo_contact or "-")),
        Section(_("Why"), _(
            "You applied for the vacancy \u201c%(title)s\u201d. With your agreement we look at the "
            "public posts of the accounts you confirm, to see only what bears on this job.",
            title=vacancy.title)),
        Section(_("Our legitimate interest, as we assessed it"), "\n".join([
            _("Purpose: %(text)s", text=assessment.purpose),
            _("Why it is needed: %(text)s", text=assessment.necessity),
            _("Less intrusive alternatives: %(text)s", text=assessment.alternatives),
            _("How we balanced your interests: %(text)s", text=assessment.balancing),
        ])),
        Section(_("What we look at"), _(
            "Only public posts of the accounts you confirm below, from these kinds of source: "
            "%(sources)s. Only posts from the last %(years)s years. Reposts of other people's "
            "words are left out. The job-relevant criteria are: %(criteria)s.",
            sources=sources, years=vacancy.lookback_years, criteria=", ".join(vacancy.criteria))),
        Section(_("What is never shown"), _(
            "Posts that reveal health, religion or beliefs, political opinions, trade-union "
            "membership, ethnic origin, sexual life or orientation, genetic or biometric data, "
            "or criminal matters are withheld: nobody sees them and only their number is kept. "
            "Private life and posts that do not bear on the job are not shown, and other people "
            "named in a post are blacked out.")),
        Section(_("Who sees it and for how long"), _(
            "Only the recruiters of this vacancy see the posts that bear on the job. Nothing is "
            "decided automatically and a decision may not rest on this alone. The findings are "
            "erased %(days)s days after the decision on your application, or at once if you "
            "withdraw.", days=vacancy.retention_days)),
        Section(_("Your rights"), _(
            "You can see what was found and add context before a decision, get a copy of your "
            "data, have it corrected or erased, object to this processing, and withdraw your "
            "agreement at any time, as easily as you gave it. You can complain to the Dutch "
            "Data Protection Authority (Autoriteit Persoonsgegevens) or your own authority.")),
        Section(_("Declining is fine"), _(
            "Declining, for one source or for all, has no effect on your application.")),
    ]


def consent_notice(candidate: Candidate) -> tuple[list[Section], Notice]:
    """Return the sections to show and the exact text to store, in the candidate's language."""
    with force_locale(candidate.language):
        sections = consent_sections(candidate)
    text = "\n\n".join(f"{s.title}\n{s.text}" for s in sections)
    return sections, Notice(version=f"{NOTICE_VERSION}/{candidate.language}", text=text)


def talent_pool_notice(candidate: Candidate) -> Notice:
    with force_locale(candidate.language):
        text = _("Keep my data for one year so that I can be considered for other vacancies. "
                 "This is separate from the screening and can be withdrawn at any time.")
    return Notice(version=f"{TALENT_POOL_VERSION}/{candidate.language}", text=text)


def render_email(kind: MessageKind, candidate: Candidate, **context) -> tuple[str, str]:
    """Render an e-mail's subject line and body in the candidate's language."""
    with force_locale(candidate.language):
        body = render_template(f"email/{MessageKind(kind).value}.txt", candidate=candidate,
                               vacancy_title=clean_text(candidate.vacancy.title),
                               settings=get_settings(), **context)
    title, _sep, rest = body.partition("\n")
    # One line, as it will be sent: a title's control or separator characters are spaces.
    return clean_text(title), rest.strip() + "\n"


def mail(kind: MessageKind, candidate: Candidate, **context) -> outbox.OutboxMessage:
    """Write the candidate an e-mail of this kind, in their language; the outbox sends it after
    the commit. The one way candidates' mail is made, so every kind is a MessageKind."""
    title, body = render_email(kind, candidate, **context)
    return outbox.store(candidate.subject, kind=MessageKind(kind).value,
                        recipient=candidate.email, title=title, body=body,
                        language=candidate.language)


def public_url(path: str) -> str:
    """Make an absolute link for an e-mail, from the configured public address."""
    return current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/") + path
