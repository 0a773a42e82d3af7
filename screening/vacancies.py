"""Operations on vacancies; pages, the API and the CLI all call these."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from compliance import audit, policy
from compliance.accounts import Role, User
from compliance.audit import AuditAction
from compliance.db import db
from compliance.organisation import get_settings
from screening.criminal_records import refused_criteria
from screening.models import Assessment, Vacancy, VacancyStatus
from screening.schemas import ASSESSMENT_FIELDS, criminal_criteria_message

_PLAIN_FIELDS = ("title", "description", "language", "criteria", "allowed_sources",
                 "lookback_years", "retention_days", "comment_window_days")


class VacancyFieldError(ValueError):
    """A value the operation refuses; carries the field and the message for the form or API."""

    field = "form"

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class AssigneeError(VacancyFieldError):
    """An assignee is not an active recruiter."""

    field = "assignee_ids"

    def __init__(self) -> None:
        super().__init__(str(_l("Choose active recruiters only.")))


class TeamChangeRefused(VacancyFieldError):
    """Only the vacancy's owner or an administrator decides who works on it."""

    field = "assignee_ids"

    def __init__(self) -> None:
        super().__init__(str(_l("Only the vacancy's owner or an administrator can change who "
                                "works on it.")))


class OwnerError(VacancyFieldError):
    """The new owner is not an active recruiter."""

    field = "owner_id"

    def __init__(self) -> None:
        super().__init__(str(_l("Choose an active recruiter.")))


class CriminalCriterionError(VacancyFieldError):
    """A criterion asks about criminal records, which screening never looks for (Art. 10)."""

    field = "criteria"

    def __init__(self, refused: list[str]) -> None:
        super().__init__(criminal_criteria_message(refused))


def recruiters() -> list[User]:
    """Return the active recruiters a vacancy can be assigned to."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.RECRUITER, User.active).order_by(User.name)
    ))


def _assignees(ids: list[int], owner: User) -> list[User]:
    wanted = set(ids) - {owner.id}
    users = [u for u in recruiters() if u.id in wanted]
    if len(users) != len(wanted):
        raise AssigneeError()
    return users


def new_vacancy_defaults() -> dict:
    """Return the organisation's defaults for a new vacancy form."""
    settings = get_settings()
    return {"lookback_years": settings.default_lookback_years,
            "retention_days": settings.default_retention_days,
            "comment_window_days": policy.COMMENT_WINDOW_DAYS,
            "language": settings.languages[0] if settings.languages else "en",
            "status": VacancyStatus.OPEN.value, "allowed_sources": [], "criteria": []}


def _refuse_criminal_criteria(criteria: list[str]) -> None:
    if refused := refused_criteria(criteria):
        raise CriminalCriterionError(refused)


def create_vacancy(values: dict, *, owner: User) -> Vacancy:
    """Create a vacancy with its first legitimate-interest assessment."""
    _refuse_criminal_criteria(values["criteria"])
    vacancy = Vacancy(owner=owner, status=VacancyStatus(values["status"]),
                      **{k: values[k] for k in _PLAIN_FIELDS})
    vacancy.assignees = _assignees(values.get("assignee_ids", []), owner)
    db.session.add(vacancy)
    _add_assessment(vacancy, values, owner)
    db.session.flush()
    audit.record(AuditAction.VACANCY_CREATED, actor=owner, objects={"vacancy": vacancy.id},
                 assessment_version=1, sources=sorted(vacancy.allowed_sources))
    return vacancy


def update_vacancy(vacancy: Vacancy, values: dict, *, actor: User) -> Vacancy:
    """Change a vacancy; a changed assessment becomes a new version, the old one is kept."""
    _refuse_criminal_criteria(values["criteria"])
    changed = [k for k in _PLAIN_FIELDS if getattr(vacancy, k) != values[k]]
    for key in changed:
        setattr(vacancy, key, values[key])
    if vacancy.status != VacancyStatus(values["status"]):
        vacancy.status = VacancyStatus(values["status"])
        changed.append("status")
    if "assignee_ids" in values and _team_changes(vacancy, values["assignee_ids"], actor):
        changed.append("assignees")
    current = vacancy.assessment
    if current is None or current.fields() != {k: values[k] for k in ASSESSMENT_FIELDS}:
        _add_assessment(vacancy, values, actor)
        changed.append("assessment")
    db.session.flush()
    if changed:
        audit.record(AuditAction.VACANCY_UPDATED, actor=actor, objects={"vacancy": vacancy.id},
                     fields=changed, assessment_version=vacancy.assessment.version)
    return vacancy


def _team_changes(vacancy: Vacancy, assignee_ids: list[int], actor: User) -> bool:
    """Set the assignees an update names, if they differ; only the owner or an admin may."""
    if set(assignee_ids) - {vacancy.owner_id} == {u.id for u in vacancy.assignees}:
        return False
    if not may_change_team(actor, vacancy):
        raise TeamChangeRefused()
    vacancy.assignees = _assignees(assignee_ids, vacancy.owner)
    return True


def _add_assessment(vacancy: Vacancy, values: dict, actor: User) -> None:
    version = (vacancy.assessment.version + 1) if vacancy.assessment else 1
    vacancy.assessments.append(Assessment(
        version=version, created_by=actor.id, **{k: values[k] for k in ASSESSMENT_FIELDS}
    ))


def vacancy_form_values(vacancy: Vacancy) -> dict:
    """Return a vacancy's current values in the shape of the form."""
    values = {k: getattr(vacancy, k) for k in _PLAIN_FIELDS}
    values["status"] = vacancy.status.value
    values["assignee_ids"] = [u.id for u in vacancy.assignees]
    values.update(vacancy.assessment.fields() if vacancy.assessment else {})
    return values


def may_change_team(user: User, vacancy: Vacancy) -> bool:
    """Tell whether the user decides who works on the vacancy: its owner, or an admin."""
    return user.role == Role.ADMIN or (user.role == Role.RECRUITER
                                       and vacancy.owner_id == user.id)


def change_team(vacancy: Vacancy, *, owner_id: int, assignee_ids: list[int],
                actor: User) -> list[str]:
    """Give the vacancy a new owner and assignees, all active recruiters; audit what changed.

    An assignee sees the vacancy and works on its candidates as its owner does; whoever is
    neither no longer sees it (screening.access).
    """
    if not may_change_team(actor, vacancy):
        raise TeamChangeRefused()
    owner = next((u for u in recruiters() if u.id == owner_id), None)
    if owner is None:
        raise OwnerError()
    assignees = _assignees(assignee_ids, owner)
    changed = []
    if owner.id != vacancy.owner_id:
        vacancy.owner, changed = owner, ["owner"]
    if {u.id for u in assignees} != {u.id for u in vacancy.assignees}:
        vacancy.assignees, changed = assignees, [*changed, "assignees"]
    db.session.flush()
    if changed:
        audit.record(AuditAction.VACANCY_UPDATED, actor=actor, objects={"vacancy": vacancy.id},
                     fields=changed, owner=owner.id,
                     assignees=sorted(u.id for u in assignees))
    return changed
