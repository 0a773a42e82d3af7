"""What counsel's rights pages need from the product: the vacancy of each subject's case, and
the candidate's mail about their request (compliance cannot look at candidates)."""

from flask_babel import force_locale, format_date
from sqlalchemy import select

from compliance import rights, tokens
from compliance.db import db
from compliance.organisation import get_settings
from compliance.subjects import Subject
from compliance.tokens import Purpose
from screening.case import PORTAL_LIFETIME
from screening.labels import requested_right_label
from screening.models import Candidate, Vacancy
from screening.notices import MessageKind, mail, public_url

KINDS = {rights.Telling.EXTENDED: MessageKind.RIGHTS_EXTENDED,
         rights.Telling.REFUSED: MessageKind.RIGHTS_REFUSED}


def vacancies_of(subjects: list[Subject]) -> dict[int, str]:
    """Name the vacancy of each subject's case, by subject id."""
    rows = db.session.execute(
        select(Candidate.subject_id, Vacancy.title)
        .join(Vacancy, Candidate.vacancy_id == Vacancy.id)
        .where(Candidate.subject_id.in_([s.id for s in subjects])))
    return {subject_id: title for subject_id, title in rows}


def tell(request: rights.RightsRequest, telling: rights.Telling) -> bool:
    """Write the candidate what counsel decided about their request, with counsel's reasons
    (and, for a refusal, the regulator they may complain to); sent after the commit."""
    candidate = db.session.scalar(select(Candidate).where(
        Candidate.subject_id == request.subject_id))
    if candidate is None:
        return False
    portal_token = tokens.issue(candidate.subject, Purpose.PORTAL, PORTAL_LIFETIME)
    with force_locale(candidate.language):
        received, due = (format_date(request.received_at, "long"),
                         format_date(request.due_at, "long"))
        asked = requested_right_label(request.right)
    reasons = request.extension_reasons if telling == rights.Telling.EXTENDED else request.reasons
    mail(KINDS[telling], candidate, asked=asked, received=received, due=due,
         reasons=str(reasons or ""), regulator=get_settings().preset.regulator,
         portal_link=public_url(f"/portal/{portal_token}"))
    return True
