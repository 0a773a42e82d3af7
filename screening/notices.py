"""The texts candidates are shown: the consent notice (versioned, stored as shown) and e-mails;
and the e-mails recruiters get about their vacancies, which carry no candidate's personal data."""

import enum
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from compliance import outbox
from compliance.accounts import User
from compliance.branding import current_brand
from compliance.consent import Notice
from compliance.mail import clean_text
from compliance.organisation import get_settings
from compliance.staff_mail import mail_subject
from screening.labels import source_label
from screening.models import Candidate

# A notice's wording lives in the catalogue and every consent record stores the exact text it
# was shown, so a changed wording is a new version: never rewrite what a candidate agreed to.
# consent-notice/2: names the legal basis (legitimate interest) and the agreement as a safeguard.
# talent-pool-notice/2: names the talent pool as the candidate's consent (Art. 6(1)(a)).
NOTICE_VERSION = "consent-notice/2"
TALENT_POOL_VERSION = "talent-pool-notice/2"


class MessageKind(enum.StrEnum):
    """Every e-mail a candidate gets, each with its template `templates/email/<kind>.txt`; the
    outbox stores it under this kind."""

    CONSENT_REQUEST = "consent_request"
    CONSENT_REMINDER = "consent_reminder"
    SCREENED_NOTICE = "screened_notice"  # Art. 14: what was collected, from where
    CORRECT_ACCOUNTS = "correct_accounts"  # after a run that could read no source
    TALENT_POOL_RENEWAL = "talent_pool_renewal"
    RIGHTS_EXTENDED = "rights_extended"  # Art. 12(3): more time, why, within the first month
    RIGHTS_REFUSED = "rights_refused"  # Art. 12(4): why, and the right to complain
    FRESH_LINK = "fresh_link"  # asked for from an expired or used link


class StaffMessageKind(enum.StrEnum):
    """Every e-mail a recruiter gets about a case, each with `templates/email/<kind>.txt`.

    Each names the case by its number and the vacancy by its title, never the candidate: no
    name, address or finding. Each kind is switched on or off in the user's preferences.
    """

    CANDIDATE_ANSWERED = "staff_candidate_answered"
    RUN_ENDED = "staff_run_ended"
    WINDOW_CLOSING = "staff_window_closing"


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
        Section(_("On what legal basis"), _(
            "We do this on the basis of our legitimate interest (Art. 6(1)(f) GDPR), which we "
            "assessed as set out below. Your agreement comes on top of that as a safeguard; it "
            "is not the legal basis: without it we look at nothing. You have the right to object "
            "to this processing at any time (Art. 21 GDPR).")),
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
        text = _("I consent to your keeping my data for one year so that I can be considered "
                 "for other vacancies (Art. 6(1)(a) GDPR). This consent is separate from the "
                 "screening and I can withdraw it at any time.")
    return Notice(version=f"{TALENT_POOL_VERSION}/{candidate.language}", text=text)


def render_email(kind: MessageKind, candidate: Candidate, **context) -> tuple[str, str]:
    """Render an e-mail's subject line and body in the candidate's language."""
    with force_locale(candidate.language):
        body = render_template(f"email/{MessageKind(kind).value}.txt", candidate=candidate,
                               vacancy_title=clean_text(candidate.vacancy.title),
                               settings=get_settings(), **context)
        organisation = current_brand().name
        if organisation:  # the first line says who writes, as the From header does
            body = body.replace("\n", "\n" + _("Sender: %(organisation)s",
                                               organisation=clean_text(organisation)) + "\n\n", 1)
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


def staff_language(user: User) -> str:
    """Return the language a staff member reads: theirs, else the organisation's first."""
    return user.language or (get_settings().languages or ["en"])[0]


def mail_staff(kind: StaffMessageKind, user: User, *, about: dict[str, int],
               **context) -> outbox.OutboxMessage:
    """Write a staff member an e-mail of this kind, in their language, sealed under their own
    mail subject; `about` names the case and vacancy by id for the audit."""
    language = staff_language(user)
    with force_locale(language):
        body = render_template(f"email/{StaffMessageKind(kind).value}.txt", **context)
    title, _sep, rest = body.partition("\n")
    return outbox.store(mail_subject(user), kind=StaffMessageKind(kind).value,
                        recipient=user.email, title=clean_text(title), body=rest.strip() + "\n",
                        language=language, about=about)


def public_url(path: str) -> str:
    """Make an absolute link for an e-mail, from the configured public address."""
    return current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/") + path
