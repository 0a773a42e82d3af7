"""Legal counsel places and releases a legal hold from a candidate's page; a refused step is
shown next to its field on that page, with the reason as typed."""

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance import rights
from compliance.accounts import Role
from compliance.db import db
from compliance.rights import RightsError
from compliance.subjects import Subject
from compliance.web.rights import FORM_RULES, MESSAGES
from screening import access
from screening.web.recruiter import _candidate_page, bp


@bp.post("/candidates/<int:candidate_id>/legal-hold")
def place_hold(candidate_id: int):
    """Keep the candidate's data despite erasure, until counsel releases it (Art. 17(3))."""
    return _hold_step(candidate_id, "hold_reason", lambda subject, reason: rights.place_hold(
        subject, actor=current_user, reason=reason), _("The legal hold is placed."))


@bp.post("/candidates/<int:candidate_id>/legal-hold/release")
def release_hold(candidate_id: int):
    return _hold_step(candidate_id, "release_reason", lambda subject, reason: rights.release_hold(
        subject, actor=current_user, reason=reason), _("The legal hold is released."))


def _hold_step(candidate_id: int, field: str, step: Callable[[Subject, str], object],
               done: str):
    access.require_role(current_user, Role.LEGAL)  # recruiters see no holds (audited 403)
    candidate = access.get_candidate(current_user, candidate_id)
    reason = request.form.get(field, "")
    try:
        step(candidate.subject, reason)
    except RightsError as error:
        db.session.rollback()
        conflict = error.code in FORM_RULES  # the hold's state, not what was typed
        page, _status = _candidate_page(candidate, {"form" if conflict else field: str(
            MESSAGES[error.code])}, hold_values={field: reason})
        return page, 409 if conflict else 422
    db.session.commit()
    flash(done)
    return redirect(url_for("recruiter.candidate", candidate_id=candidate.id))
