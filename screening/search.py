"""Finding candidates on the recruiter's dashboard: by case state and vacancy, and by name.

Names are encrypted at rest, so a name is matched here, in the process, after the database
has narrowed the rows to the candidates the user may see and the other filters allow: only
those are decrypted. Every list is loaded in a fixed number of queries, however long.
"""

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from compliance import vault
from compliance.accounts import User
from compliance.db import db
from compliance.subjects import Subject
from screening import access
from screening.lifecycle import CaseState
from screening.models import Candidate, Vacancy


@dataclass(frozen=True)
class Found:
    """One candidate in a list: what the list shows, nothing more is decrypted."""

    id: int
    name: str
    state: CaseState
    vacancy_id: int
    vacancy_title: str
    subject_id: int  # to note the read, never shown


def fold(text: str) -> str:
    """Reduce a name for matching: case, accents and surrounding space do not count."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def find_candidates(user: User, *, state: CaseState | None = None,
                    vacancy_id: int | None = None, name: str | None = None) -> list[Found]:
    """Return the candidates in the user's scope that match every filter given, by vacancy
    title and then by name; three queries whatever the number of rows."""
    visible = access.visible_vacancies(user).with_only_columns(Vacancy.id)
    where = [Candidate.vacancy_id.in_(visible.scalar_subquery())]
    if state is not None:
        where.append(Candidate.state == state)
    if vacancy_id is not None:
        where.append(Candidate.vacancy_id == vacancy_id)
    vault.preload(db.session.scalars(
        select(Subject.key_id).join(Candidate, Candidate.subject_id == Subject.id).where(*where)))
    rows = db.session.execute(
        select(Candidate.id, Candidate.name, Candidate.state, Vacancy.id, Vacancy.title,
               Candidate.subject_id)
        .join(Vacancy, Candidate.vacancy_id == Vacancy.id).where(*where)).all()
    found = [Found(id=r[0], name=str(r[1]), state=r[2], vacancy_id=r[3], vacancy_title=r[4],
                   subject_id=r[5])
             for r in rows]
    if name:
        wanted = fold(name)
        found = [f for f in found if wanted in fold(f.name)]
    return sorted(found, key=lambda f: (fold(f.vacancy_title), fold(f.name), f.id))


def candidates_by_vacancy(vacancy_ids: list[int]) -> dict[int, list[Candidate]]:
    """Return these vacancies' candidates, by vacancy, their keys unwrapped in one query.

    A list shows names and states: the other personal fields are not read (nor decrypted)
    unless something asks for them."""
    if not vacancy_ids:
        return {}
    where = Candidate.vacancy_id.in_(vacancy_ids)
    subjects = _load_subjects(where)
    grouped: dict[int, list[Candidate]] = {}
    listed = select(Candidate).options(defer(Candidate.email), defer(Candidate.decision_reasons))
    for candidate in db.session.scalars(listed.where(where).order_by(Candidate.id)):
        _give_subject(candidate, subjects)
        grouped.setdefault(candidate.vacancy_id, []).append(candidate)
    return grouped


def candidates_by_id(ids: list[int]) -> list[Candidate]:
    """Return these candidates in this order, with their subjects, their keys unwrapped in one
    query: a page of a list in a fixed number of queries, however long the page."""
    if not ids:
        return []
    where = Candidate.id.in_(ids)
    subjects = _load_subjects(where)
    found = {c.id: c for c in db.session.scalars(select(Candidate).where(where))}
    for candidate in found.values():
        _give_subject(candidate, subjects)
    return [found[i] for i in ids if i in found]


def _load_subjects(where) -> dict[int, Subject]:
    """Load the subjects of the candidates `where` selects and unwrap their keys, before the
    candidates are loaded (their personal fields are opened as the rows arrive); the caller
    sets each candidate's `subject` from them, so the pseudonym that the audit of the read
    names needs no query of its own."""
    subjects = db.session.scalars(
        select(Subject).join(Candidate, Candidate.subject_id == Subject.id).where(where)).all()
    vault.preload([s.key_id for s in subjects])
    return {s.id: s for s in subjects}


def _give_subject(candidate: Candidate, subjects: dict[int, Subject]) -> None:
    """Set a candidate's loaded subject; one added between the two queries loads its own."""
    if candidate.subject_id in subjects:
        set_committed_value(candidate, "subject", subjects[candidate.subject_id])
