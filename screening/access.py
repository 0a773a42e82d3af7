"""Who may see and change which vacancies and candidates: the one place that decides."""

from flask import abort
from sqlalchemy import Select, or_, select

from compliance import audit
from compliance.accounts import Role, User
from compliance.audit import AuditAction
from compliance.db import db
from screening.lifecycle import CaseRecord
from screening.models import Candidate, Vacancy, vacancy_assignment


def visible_vacancies(user: User) -> Select:
    """Recruiters see what they own or are assigned to; legal sees all; admins see none."""
    query = select(Vacancy)
    if user.role == Role.LEGAL:
        return query
    if user.role == Role.RECRUITER:
        assigned = select(vacancy_assignment.c.vacancy_id).where(
            vacancy_assignment.c.user_id == user.id
        )
        return query.where(or_(Vacancy.owner_id == user.id, Vacancy.id.in_(assigned)))
    return query.where(False)


def can_change(user: User) -> bool:
    """Only recruiters change vacancies and candidates; legal is read-only."""
    return user.role == Role.RECRUITER


def get_vacancy(user: User, vacancy_id: int, *, change: bool = False) -> Vacancy:
    """Return a vacancy in the user's scope, 404 if out of scope, 403 if read-only."""
    vacancy = db.session.scalar(visible_vacancies(user).where(Vacancy.id == vacancy_id))
    if vacancy is None:
        abort(404)
    if change and not can_change(user):
        deny(user, "vacancy", vacancy_id)
    return vacancy


def find_candidate(user: User, candidate_id: int) -> Candidate | None:
    """Return a candidate of a vacancy in the user's scope, if there is one."""
    visible = visible_vacancies(user).with_only_columns(Vacancy.id)
    return db.session.scalar(
        select(Candidate).where(Candidate.id == candidate_id, Candidate.vacancy_id.in_(visible))
    )


def get_candidate(user: User, candidate_id: int, *, change: bool = False) -> Candidate:
    """Return a candidate of a vacancy in the user's scope, else 404 (403 if read-only)."""
    candidate = find_candidate(user, candidate_id)
    if candidate is None:
        abort(404)
    if change and not can_change(user):
        deny(user, "candidate", candidate_id)
    return candidate


def ended_case(user: User, candidate_id: int) -> CaseRecord | None:
    """Return the record of a case in the user's scope whose data is gone, if it is one (ask
    when find_candidate found none: a live case is the common one)."""
    visible = visible_vacancies(user).with_only_columns(Vacancy.id)
    return db.session.scalar(select(CaseRecord).where(
        CaseRecord.id == candidate_id, CaseRecord.vacancy_id.in_(visible),
        ~select(Candidate.id).where(Candidate.id == candidate_id).exists()))


def require_role(user: User, *roles: Role) -> None:
    """Refuse (403, audited) what is meant for other roles."""
    if user.role not in roles:
        deny(user, "page", 0)


def deny(user: User, kind: str, object_id: int) -> None:
    """Audit a permission denial, commit it, and answer 403."""
    audit.record(AuditAction.ACCESS_DENIED, actor=user, objects={kind: object_id})
    db.session.commit()
    abort(403)
