"""The recruiter's pages: dashboard, vacancies and candidates (legal sees them read-only)."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from compliance import consent, reads, rights
from compliance.accounts import Role
from compliance.db import db, utcnow
from compliance.validation import NOT_CHOICE, load_form
from compliance.web.gates import roles_only
from screening import access
from screening.candidates import (
    NEEDS_ATTENTION,
    add_candidate,
    decide,
    ended_cases,
    erase_after,
    update_candidate,
)
from screening.case import needs_agreement
from screening.classifier.relevance import describe_criteria
from screening.criminal_records import notice_fields, vacancy_notice
from screening.findings import comment_window_open, reading_basis, window_closes_at
from screening.labels import (
    case_error_message,
    case_state_label,
    decision_label,
    source_label,
    tombstone_line,
)
from screening.lifecycle import Action, CaseError, CaseState, allowed
from screening.models import Candidate, Decision, SourceKind, Vacancy
from screening.runs import latest_done_run, latest_run, missing_sources
from screening.schemas import CandidateSchema, DecisionSchema, VacancySchema
from screening.search import candidates_by_vacancy, find_candidates
from screening.tallies import summarise
from screening.timeline import case_timeline
from screening.vacancies import (
    VacancyFieldError,
    create_vacancy,
    may_change_team,
    new_vacancy_defaults,
    recruiters,
    update_vacancy,
    vacancy_form_values,
)

bp = Blueprint("recruiter", __name__)

VACANCY_FORM = {"lists": ("allowed_sources", "assignee_ids"), "lines": ("criteria",)}


roles_only(bp, Role.RECRUITER, Role.LEGAL)


@bp.get("/dashboard")
def dashboard():
    return _dashboard()


@bp.post("/dashboard/search")
def search():
    """Search by name: the name travels in the body of a POST, never in an address, so it
    reaches no log, history or Referer; the state and vacancy filters stay in the query."""
    name = request.form.get("name", "").strip()
    if not name:
        return _dashboard(name="", name_error=_("Type a name, or part of one."))
    if len(name) > NAME_MAX:
        return _dashboard(name=name, name_error=_("Use at most %(n)s characters.", n=NAME_MAX))
    return _dashboard(name=name)


NAME_MAX = 200
SEARCHABLE_STATES = [s for s in CaseState if s != CaseState.ERASED]


def _dashboard(name: str | None = None, name_error: str | None = None):
    vacancies = db.session.scalars(
        access.visible_vacancies(current_user).order_by(Vacancy.status, Vacancy.title)).all()
    values, errors, chosen = _filters([v.id for v in vacancies])
    values["name"] = name or ""
    if name_error:
        errors["name"] = name_error
    filtering = bool(chosen) or bool(name and not name_error)
    found = (find_candidates(current_user, name=name if not name_error else None, **chosen)
             if filtering else [])
    page = dict(
        vacancies=vacancies, values=values, errors=errors, filtering=filtering, found=found,
        can_change=access.can_change(current_user),
        states=[("", _("All states"))] + [(s.value, case_state_label(s))
                                          for s in SEARCHABLE_STATES],
        vacancy_options=[("", _("All vacancies"))] + [(str(v.id), v.title) for v in vacancies],
        search_action=url_for("recruiter.search", **{k: values[k] for k in ("state", "vacancy")
                                                      if values[k] and k not in errors}))
    if not filtering:
        page.update(_overview(vacancies))
        # Their subjects are loaded: the pseudonyms need no query of their own.
        shown = [(c.subject, c.id) for listed in page["by_vacancy"].values() for c in listed]
    else:
        shown = [(c.subject_id, c.id) for c in found]
    reads.note_many(current_user, [(subject, {"candidate": i}) for subject, i in shown])
    return render_template("recruiter/dashboard.html", **page), 422 if errors else 200


def _filters(vacancy_ids: list[int]) -> tuple[dict, dict, dict]:
    """Read the state and vacancy filters from the query; an unknown value is an error shown
    beside its field, and is not applied."""
    values = {key: request.args.get(key, "").strip() for key in ("state", "vacancy")}
    errors, chosen = {}, {}
    if values["state"]:
        if values["state"] in {s.value for s in SEARCHABLE_STATES}:
            chosen["state"] = CaseState(values["state"])
        else:
            errors["state"] = str(NOT_CHOICE)
    if values["vacancy"]:
        if values["vacancy"].isdigit() and int(values["vacancy"]) in vacancy_ids:
            chosen["vacancy_id"] = int(values["vacancy"])
        else:
            errors["vacancy"] = str(NOT_CHOICE)
    return values, errors, chosen


def _overview(vacancies: list[Vacancy]) -> dict:
    """The dashboard without filters: what needs attention, and each vacancy's candidates."""
    by_vacancy = candidates_by_vacancy([v.id for v in vacancies])
    attention = [c for v in vacancies for c in by_vacancy.get(v.id, [])
                 if c.state in NEEDS_ATTENTION]
    ended: dict[int, list[str]] = {}
    # The dashboard shows the last month's; a vacancy's page shows them all.
    for record in ended_cases([v.id for v in vacancies], since=utcnow() - timedelta(days=31)):
        ended.setdefault(record.vacancy_id, []).append(tombstone_line(record))
    return {"attention": attention, "ended": ended, "by_vacancy": by_vacancy}


def _vacancy_form(template_values: dict, errors: dict, vacancy: Vacancy | None):
    # Who works on a vacancy is its owner's choice (and an admin's), on the team page.
    team = vacancy is None or may_change_team(current_user, vacancy)
    return render_template(
        "recruiter/vacancy_form.html", values=template_values, errors=errors, vacancy=vacancy,
        notices=notice_fields(template_values),
        sources=[(k.value, source_label(k)) for k in SourceKind],
        recruiters=[(u.id, u.name) for u in recruiters() if u.id != current_user.id] if team
        else [],
        languages=[("nl", _("Dutch")), ("en", _("English"))],
    ), 422 if errors else 200


def _submitted_vacancy_values() -> dict:
    values = request.form.to_dict()
    values["criteria"] = [t.strip() for t in request.form.get("criteria", "").splitlines()
                          if t.strip()]
    values["allowed_sources"] = request.form.getlist("allowed_sources")
    values["assignee_ids"] = [int(i) for i in request.form.getlist("assignee_ids") if i.isdigit()]
    return values


@bp.route("/vacancies/new", methods=["GET", "POST"])
def new_vacancy():
    if not access.can_change(current_user):
        access.deny(current_user, "page", 0)
    if request.method == "GET":
        return _vacancy_form(new_vacancy_defaults(), {}, None)
    data, errors = load_form(VacancySchema(), request.form, **VACANCY_FORM)
    if data:
        try:
            vacancy = create_vacancy(data, owner=current_user)
        except VacancyFieldError as error:
            db.session.rollback()
            errors = {error.field: error.message}
        else:
            db.session.commit()
            flash(_("The vacancy is created."))
            return redirect(url_for("recruiter.vacancy", vacancy_id=vacancy.id))
    return _vacancy_form(_submitted_vacancy_values(), errors, None)


@bp.route("/vacancies/<int:vacancy_id>/edit", methods=["GET", "POST"])
def edit_vacancy(vacancy_id: int):
    vacancy = access.get_vacancy(current_user, vacancy_id, change=True)
    if request.method == "GET":
        return _vacancy_form(vacancy_form_values(vacancy), {}, vacancy)
    data, errors = load_form(VacancySchema(), request.form, **VACANCY_FORM)
    if data and not may_change_team(current_user, vacancy):  # the form has no such field
        data.pop("assignee_ids", None)
    if data:
        try:
            update_vacancy(vacancy, data, actor=current_user)
        except VacancyFieldError as error:
            db.session.rollback()
            errors = {error.field: error.message}
        else:
            db.session.commit()
            flash(_("The vacancy is saved."))
            stale = sum(1 for c in vacancy.candidates if needs_agreement(c))
            if stale:  # their runs keep to what they agreed to until they agree again
                flash(ngettext("%(num)s candidate agreed to the earlier criteria or sources: "
                               "ask them again to screen against the new ones.",
                               "%(num)s candidates agreed to the earlier criteria or sources: "
                               "ask them again to screen against the new ones.", stale))
            return redirect(url_for("recruiter.vacancy", vacancy_id=vacancy.id))
    return _vacancy_form(_submitted_vacancy_values(), errors, vacancy)


@bp.get("/vacancies/<int:vacancy_id>")
def vacancy(vacancy_id: int):
    vacancy = access.get_vacancy(current_user, vacancy_id)
    candidates = candidates_by_vacancy([vacancy.id]).get(vacancy.id, [])
    can_change = access.can_change(current_user)
    reads.note_many(current_user, [(c.subject, {"candidate": c.id}) for c in candidates])
    return render_template("recruiter/vacancy.html", vacancy=vacancy, candidates=candidates,
                           ended=[tombstone_line(r) for r in ended_cases([vacancy.id])],
                           source_label=source_label,
                           can_change=can_change, conduct_notice=vacancy_notice(vacancy),
                           can_change_team=may_change_team(current_user, vacancy),
                           expansions=_expansions(vacancy, suggest=can_change))


def _expansions(vacancy: Vacancy, *, suggest: bool) -> list[dict[str, str]]:
    """Say per criterion which other words match it and, to editors, what could be added."""
    return [{"criterion": item.criterion, "variants": ", ".join(item.variants),
             "suggestions": ", ".join(item.suggestions) if suggest else ""}
            for item in describe_criteria(vacancy.criteria)]


def _candidate_form(vacancy: Vacancy, values: dict, errors: dict, candidate=None):
    if candidate is not None:
        reads.note(current_user, candidate.subject_id, {"candidate": candidate.id})
    return render_template(
        "recruiter/candidate_form.html", vacancy=vacancy, candidate=candidate, values=values,
        errors=errors, languages=[("nl", _("Dutch")), ("en", _("English"))],
    ), 422 if errors else 200


@bp.route("/vacancies/<int:vacancy_id>/candidates/new", methods=["GET", "POST"])
def new_candidate(vacancy_id: int):
    vacancy = access.get_vacancy(current_user, vacancy_id, change=True)
    if request.method == "GET":
        return _candidate_form(vacancy, {"language": vacancy.language}, {})
    data, errors = load_form(CandidateSchema(), request.form)
    if data:
        try:
            candidate = add_candidate(vacancy, data, actor=current_user)
        except CaseError as error:
            db.session.rollback()
            errors = {"form": case_error_message(error, {})}
        else:
            db.session.commit()
            flash(_("The candidate is added."))
            return redirect(url_for("recruiter.candidate", candidate_id=candidate.id))
    return _candidate_form(vacancy, request.form.to_dict(), errors)


@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
def edit_candidate(candidate_id: int):
    candidate = access.get_candidate(current_user, candidate_id, change=True)
    if request.method == "GET":
        values = {k: getattr(candidate, k) for k in ("name", "email", "language")}
        return _candidate_form(candidate.vacancy, values, {}, candidate)
    data, errors = load_form(CandidateSchema(), request.form)
    if data:
        update_candidate(candidate, data, actor=current_user)
        db.session.commit()
        flash(_("The candidate is saved."))
        return redirect(url_for("recruiter.candidate", candidate_id=candidate.id))
    return _candidate_form(candidate.vacancy, request.form.to_dict(), errors, candidate)


@bp.get("/candidates/<int:candidate_id>")
def candidate(candidate_id: int):
    candidate = access.find_candidate(current_user, candidate_id)
    if candidate is not None:
        return _candidate_page(candidate, {})
    record = access.ended_case(current_user, candidate_id)
    if record is None:
        abort(404)
    # The data is gone; the line that says so stays.
    return render_template("recruiter/ended.html", line=tombstone_line(record),
                           vacancy=db.session.get(Vacancy, record.vacancy_id)), 410


def _candidate_page(candidate: Candidate, errors: dict, decision_values: dict | None = None,
                    hold_values: dict | None = None):
    reads.note(current_user, candidate.subject, {"candidate": candidate.id})
    consent.preload([candidate.subject])  # the accounts, the guards and the agreement ask it
    run = latest_run(candidate)
    return render_template(
        "recruiter/candidate.html", candidate=candidate, errors=errors,
        decision_label=decision_label, source_label=source_label,
        decisions=[(d.value, decision_label(d)) for d in Decision],
        decision_values=decision_values or {}, hold_values=hold_values or {},
        erase_after=erase_after(candidate), can_change=access.can_change(current_user),
        erase_on=format_date(erase_after(candidate), "long") if erase_after(candidate) else None,
        decided_on=format_date(candidate.decided_at, "long") if candidate.decided_at else None,
        accounts=consent.current(candidate.subject), run=run,
        totals=summarise(run.counts) if run else None,
        window_notice=_window_notice(candidate),
        missing=[source_label(k) for k in missing_sources(run)] if run else [],
        has_results=latest_done_run(candidate, run) is not None,
        can_ask=allowed(candidate, Action.ASK_CONSENT),
        needs_agreement=needs_agreement(candidate),
        can_screen=allowed(candidate, Action.SCREEN),
        can_decide=allowed(candidate, Action.DECIDE),
        can_read=reading_basis(candidate, current_user) is not None,
        hold=rights.held(candidate.subject) if current_user.role == Role.LEGAL else None,
        timeline=case_timeline(candidate),
    ), 422 if errors else 200


def _window_notice(candidate: Candidate) -> str | None:
    """Say until when the comment window holds a rejection back, in the reader's language."""
    if not comment_window_open(candidate):
        return None
    closes = window_closes_at(candidate)
    return _("The candidate's comment window is open until %(time)s on %(date)s: a rejection "
             "must wait until then, unless they say they are done.",
             date=format_date(closes, "long"), time=format_time(closes, "short"))


@bp.post("/candidates/<int:candidate_id>/decision")
def decision(candidate_id: int):
    candidate = access.get_candidate(current_user, candidate_id, change=True)
    data, errors = load_form(DecisionSchema(), request.form)
    if data:
        try:
            decide(candidate, Decision(data["decision"]), actor=current_user,
                   reasons=data.get("reasons"))
        except CaseError as error:
            db.session.rollback()
            field = "reasons" if error.code == "reasons" else "decision"
            errors = {field: case_error_message(error, {})}
        else:
            db.session.commit()
            flash(_("The decision is recorded."))
            return redirect(url_for("recruiter.candidate", candidate_id=candidate.id))
    if not errors:
        abort(400)
    return _candidate_page(candidate, errors, request.form.to_dict())
