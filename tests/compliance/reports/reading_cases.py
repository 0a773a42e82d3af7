"""A realistic case with long values, and every report about it, for the reading tests.

The long values are the ones real cases bring: a Dutch compound noun, long URLs, a controller
with a long name and e-mail address, and a token the candidate pasted without any space.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from compliance.consent import SourceAnswer
from compliance.organisation import update_settings
from screening.candidates import update_candidate
from screening.case import answer_consent, request_consent
from screening.findings import read_findings
from screening.reports import build_report
from screening.runs import Finding as StoredFinding

LONG_WORD = "arbeidsongeschiktheidsverzekeringsaanvraagformulierenverwerkingssysteem"
LONG_URL = ("https://fosstodon.example/@jamie_van_der_heijden/112233445566778899/"
            "conference-talk-about-asynchronous-postgresql-connection-pooling-in-django")
PASTED = "eyJhbGciOiJFZERTQSJ9" * 8  # 160 characters without a break opportunity

Render = Callable[[str], bytes]


def organisation() -> None:
    update_settings({
        "controller_name": "Stichting Gemeenschappelijke Werving en Selectie Zorg Noord-Holland",
        "controller_address": "Damrak 1, 1012 LG Amsterdam, Nederland",
        "dpo_contact": "functionaris-gegevensbescherming@werving-selectie-zorg.example"},
        actor="system")


def case(db, recruiter, make_vacancy, make_candidate):
    """Agreement asked and given, two findings with the candidate's comments, a view."""
    organisation()
    vacancy = make_vacancy(
        owner=recruiter, title=f"Senior backend developer, {LONG_WORD}",
        criteria=["Python", "Django", "PostgreSQL", "asynchronous programming", LONG_WORD],
        allowed_sources=["rss", "github", "mastodon"],
        purpose=f"Check the candidate's published work on the {LONG_WORD}.",
        necessity="The role needs demonstrated experience with financial data; the portfolio "
                  "shows it better than a CV.",
        alternatives="An interview and a work sample alone; they do not show sustained "
                     "public work.",
        balancing="Only public, professional posts of the last three years, confirmed by the "
                  "candidate, redacted of third parties.")
    candidate = make_candidate(vacancy, name="Jamie van der Heijden-Oppenheimer",
                               email="jamie.van.der.heijden-oppenheimer@example.org",
                               language="nl")
    request_consent(candidate, actor=recruiter)
    db.session.commit()
    answer_consent(candidate, [
        SourceAnswer("rss", "https://blog.example.org/feed.xml", True),
        SourceAnswer("github", "jamie-vdh", True),
        SourceAnswer("mastodon", "@jamie_van_der_heijden@fosstodon.example", False)],
        talent_pool=True)
    update_candidate(candidate, {"name": candidate.name, "email": candidate.email,
                                 "language": "nl"}, actor=recruiter)
    for n, url in enumerate([LONG_URL, f"https://github.com/jamie-vdh/{LONG_WORD}"]):
        db.session.add(StoredFinding(
            candidate_id=candidate.id, subject=candidate.subject, source_kind="github",
            account="jamie-vdh", url=url, published=datetime(2025, 3, 4 + n, 10, tzinfo=UTC),
            excerpt=f"Gave a talk about our {LONG_WORD} with [person] at PyCon; slides: {url}",
            matched=["Python", "asynchronous programming", LONG_WORD],
            context=f"That was a team effort; the token in the slides was {PASTED}"))
    db.session.commit()
    read_findings(candidate, actor=recruiter)
    db.session.commit()
    return vacancy, candidate


def reports(db, recruiter, make_vacancy, make_candidate) -> dict[str, Render]:
    """Name each signed report about the case and how to make it in a language."""
    vacancy, candidate = case(db, recruiter, make_vacancy, make_candidate)

    def made(kind: str, params: dict, actor="system") -> Render:
        def render(lang: str) -> bytes:
            pdf = build_report(kind, params, actor=actor, lang=lang)
            db.session.commit()
            return pdf
        return render

    return {
        "access": made("access", {"candidate": candidate.id}, actor="candidate"),
        "trail": made("audit", {"candidate": candidate.id}),
        "trail-period": made("audit", {"since": "2000-01-01T00:00:00+00:00",
                                       "until": "2999-12-31T23:59:59+00:00"}),
        "ropa": made("ropa", {}),
        "dpia": made("dpia", {"vacancy": vacancy.id}),
    }
