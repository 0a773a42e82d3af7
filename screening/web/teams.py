"""Who works on a vacancy: its owner, or an administrator, sets the owner and the assignees."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from compliance.accounts import Role
from compliance.db import db
from compliance.validation import load_form
from compliance.web.gates import roles_only
from screening import access
from screening.models import Vacancy
from screening.schemas import TeamSchema
from screening.vacancies import VacancyFieldError, change_team, may_change_team, recruiters

bp = Blueprint("teams", __name__)
roles_only(bp, Role.RECRUITER, Role.ADMIN)


def _team_vacancy(vacancy_id: int) -> Vacancy:
    """An admin reaches any vacancy (its team, not its candidates); a recruiter only one they
    see, and only its owner may change who works on it."""
    if current_user.role == Role.ADMIN:
        vacancy = db.session.get(Vacancy, vacancy_id)
        if vacancy is None:
            abort(404)
        return vacancy
    vacancy = access.get_vacancy(current_user, vacancy_id)
    if not may_change_team(current_user, vacancy):
        access.deny(current_user, "vacancy", vacancy_id)
    return vacancy


@bp.get("/vacancies/teams")
def vacancies():
    """List every vacancy with its owner and assignees, for administrators."""
    if current_user.role != Role.ADMIN:
        access.deny(current_user, "page", 0)
    rows = db.session.scalars(select(Vacancy).options(
        selectinload(Vacancy.owner), selectinload(Vacancy.assignees))
        .order_by(Vacancy.status, Vacancy.title)).all()
    return render_template("admin/vacancies.html", vacancies=rows)


@bp.route("/vacancies/<int:vacancy_id>/team", methods=["GET", "POST"])
def team(vacancy_id: int):
    vacancy = _team_vacancy(vacancy_id)
    values = {"owner_id": vacancy.owner_id, "assignee_ids": [u.id for u in vacancy.assignees]}
    errors: dict = {}
    if request.method == "POST":
        data, errors = load_form(TeamSchema(), request.form, lists=("assignee_ids",))
        if data:
            try:
                change_team(vacancy, owner_id=data["owner_id"],
                            assignee_ids=data["assignee_ids"], actor=current_user)
            except VacancyFieldError as error:
                db.session.rollback()
                errors = {error.field: error.message}
            else:
                db.session.commit()
                flash(_("Who works on the vacancy is saved."))
                return redirect(_after_saving(vacancy))
        values = {"owner_id": request.form.get("owner_id", ""),
                  "assignee_ids": request.form.getlist("assignee_ids")}
    people = [(u.id, u.name) for u in recruiters()]
    return render_template("recruiter/team.html", vacancy=vacancy, values=values,
                           errors=errors, people=people), 422 if errors else 200


def _after_saving(vacancy: Vacancy) -> str:
    if current_user.role == Role.ADMIN:
        return url_for("teams.vacancies")
    if db.session.scalar(access.visible_vacancies(current_user)
                         .where(Vacancy.id == vacancy.id)) is None:
        flash(_("You no longer work on this vacancy."))
        return url_for("recruiter.dashboard")
    return url_for("recruiter.vacancy", vacancy_id=vacancy.id)
