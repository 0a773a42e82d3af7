"""Vacancies, and the candidates under each: list, read, create, update (with If-Match)."""

from flask import url_for
from flask_smorest import abort
from sqlalchemy import select

from compliance import reads
from compliance.db import db
from screening import access
from screening.api import representations as rep
from screening.api.auth import api_user, require_token
from screening.api.bodies import Blueprint
from screening.api.guards import conflict, staff_only
from screening.api.paging import page_of
from screening.api.schemas import CandidateOut, VacancyOut
from screening.api.spec import ROW_ID, document_errors
from screening.candidates import add_candidate
from screening.lifecycle import CaseError
from screening.models import Candidate, Vacancy
from screening.schemas import CandidateSchema, VacancySchema
from screening.search import candidates_by_id
from screening.vacancies import VacancyFieldError, create_vacancy, update_vacancy

blp = Blueprint("api_vacancies", __name__, url_prefix="/api/v1/vacancies",
                description="Vacancies and their candidates.")
blp.before_request(require_token)
blp.before_request(staff_only)


def _field_error(error: VacancyFieldError) -> None:
    abort(422, message="The request body is not valid.", errors={error.field: [error.message]})


@blp.get("")
@blp.response(200, VacancyOut(many=True))
@blp.paginate()
@document_errors(blp)
def list_vacancies(pagination_parameters):
    """List the vacancies in the caller's scope, a page at a time."""
    query = access.visible_vacancies(api_user()).order_by(Vacancy.id)
    return [rep.vacancy(v) for v in page_of(query, pagination_parameters)]


@blp.post("")
@blp.arguments(VacancySchema)
@blp.response(201, VacancyOut)
@document_errors(blp, 422)
def create(values):
    """Create a vacancy with its legitimate-interest assessment (recruiters only)."""
    user = api_user()
    if not access.can_change(user):
        access.deny(user, "page", 0)
    try:
        vacancy = create_vacancy(values, owner=user)
    except VacancyFieldError as error:
        db.session.rollback()
        _field_error(error)
    db.session.commit()
    return rep.vacancy(vacancy), {"Location": url_for(".vacancy", vacancy_id=vacancy.id)}


@blp.get(f"/<{ROW_ID}:vacancy_id>")
@blp.etag
@blp.response(200, VacancyOut)
@document_errors(blp)
def vacancy(vacancy_id: int):
    """Read one vacancy; its ETag is what an update must send back as If-Match."""
    return rep.vacancy(access.get_vacancy(api_user(), vacancy_id))


@blp.put(f"/<{ROW_ID}:vacancy_id>")
@blp.etag
@blp.arguments(VacancySchema)
@blp.response(200, VacancyOut)
@document_errors(blp, 422)
def update(values, vacancy_id: int):
    """Replace a vacancy's fields; a changed assessment becomes a new version."""
    user = api_user()
    vacancy = access.get_vacancy(user, vacancy_id, change=True)
    blp.check_etag(rep.vacancy(vacancy), VacancyOut)
    try:
        update_vacancy(vacancy, values, actor=user)
    except VacancyFieldError as error:
        db.session.rollback()
        _field_error(error)
    db.session.commit()
    return rep.vacancy(vacancy)


@blp.get(f"/<{ROW_ID}:vacancy_id>/candidates")
@blp.response(200, CandidateOut(many=True))
@blp.paginate()
@document_errors(blp)
def list_candidates(vacancy_id: int, pagination_parameters):
    """List a vacancy's candidates, a page at a time (each read is audited)."""
    user = api_user()
    vacancy = access.get_vacancy(user, vacancy_id)
    query = select(Candidate.id).where(Candidate.vacancy_id == vacancy.id).order_by(Candidate.id)
    candidates = candidates_by_id(page_of(query, pagination_parameters))
    # Their subjects are loaded: the pseudonyms need no query of their own.
    reads.note_many(user, [(c.subject, {"candidate": c.id}) for c in candidates])
    return rep.candidates(candidates)


@blp.post(f"/<{ROW_ID}:vacancy_id>/candidates")
@blp.arguments(CandidateSchema)
@blp.response(201, CandidateOut)
@document_errors(blp, 409, 422)
def add(values, vacancy_id: int):
    """Add a candidate to an open vacancy."""
    user = api_user()
    vacancy = access.get_vacancy(user, vacancy_id, change=True)
    try:
        candidate = add_candidate(vacancy, values, actor=user)
    except CaseError:
        db.session.rollback()
        conflict("vacancy-closed", "This vacancy is closed: open it again to add candidates.")
    db.session.commit()
    return rep.candidate(candidate), {"Location": url_for("api_candidates.candidate",
                                                          candidate_id=candidate.id)}
