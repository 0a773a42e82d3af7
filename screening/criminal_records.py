"""Criminal data (GDPR Art. 10): find wording that asks about criminal records, and keep it out.

Screening never looks for criminal records in posts. Where a job needs them, the certificate of
conduct is the lawful route: a VOG (verklaring omtrent het gedrag) in the Netherlands, an
uittreksel uit het strafregister in Belgium. The words live in `criminal_records.yaml`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l

from screening import classifier as nlp
from screening.models import Vacancy

TERMS_FILE = Path(__file__).with_name("criminal_records.yaml")
NOTICE = _l("Criminal records are never looked for in posts (GDPR Art. 10). Where the job needs "
            "it, ask the candidate for a certificate of conduct: a VOG (verklaring omtrent het "
            "gedrag) in the Netherlands, an uittreksel uit het strafregister in Belgium.")
_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l"})
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def normalise(text: str) -> str:
    """Fold case, accents, punctuation: 'Justitiële-Documentatie' -> 'justitiele documentatie'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


def _pattern(term: str) -> str:
    words = normalise(term.removesuffix("*")).split()
    tail = r"\w*" if term.endswith("*") else ""
    return r"\b" + " ".join(map(re.escape, words)) + tail + r"\b"


@cache
def _matcher() -> re.Pattern[str]:
    terms = load_terms()
    return re.compile("|".join(_pattern(t) for t in sorted(terms, key=len, reverse=True)))


def load_terms() -> list[str]:
    """Read every language's terms from the data file."""
    data = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))
    return [str(term) for terms in data.values() for term in terms]


def criminal_wording(text: str) -> list[str]:
    """Return the criminal-record words found in `text`, normalised, in order."""
    return [m.group(0) for m in _matcher().finditer(normalise(text or ""))]


def asks_about_records(text: str) -> bool:
    """Tell whether `text` asks about or mentions a criminal record."""
    return bool(_matcher().search(normalise(text or "")))


def refused_criteria(criteria: list[str]) -> list[str]:
    """Return the criteria that ask about criminal records, as typed."""
    return [c for c in criteria if asks_about_records(c)]


def without_records(text: str) -> str:
    """Drop the sentences of `text` that speak of criminal records."""
    kept = [s for s in _SENTENCE_END.split(text or "") if s and not asks_about_records(s)]
    return " ".join(kept)


def notice_fields(values: dict) -> dict[str, str]:
    """Return, per vacancy form field that speaks of criminal records, the notice to show."""
    found = {}
    for name in ("title", "description", "criteria"):
        value = values.get(name) or ""
        text = value if isinstance(value, str) else "\n".join(map(str, value))
        if asks_about_records(text):
            found[name] = str(NOTICE)
    return found


def vacancy_notice(vacancy: Vacancy) -> str | None:
    """Return the notice for a stored vacancy that speaks of criminal records, else None."""
    fields = {"title": vacancy.title, "description": vacancy.description,
              "criteria": vacancy.criteria}
    return next(iter(notice_fields(fields).values()), None)


def classifier_vacancy(vacancy: Vacancy, criteria=None) -> nlp.Vacancy:
    """Build what the classifier judges posts against, with no word about criminal records.

    `criteria` are those the candidate agreed to (the vacancy's own when not given). The schema
    and the vacancy operations refuse criteria about records; this is the last gate, also for
    vacancies and agreements stored before they did.
    """
    criteria = vacancy.criteria if criteria is None else criteria
    return nlp.Vacancy(
        id=str(vacancy.id),
        criteria=tuple(c for c in criteria if not asks_about_records(c)),
        language=vacancy.language,
        title=without_records(vacancy.title),
        description=without_records(vacancy.description or ""),
    )
