"""Legal counsel's rights requests: each case with its deadline, and what counsel can do to it
(extend, resolve, refuse, hold, release), every step a validated, audited POST."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from compliance import audit, reads, rights
from compliance.accounts import Role
from compliance.db import db
from compliance.rights import RequestStatus, Right, RightsError, RightsRequest, Step
from compliance.subjects import Subject
from compliance.web.gates import roles_only
from compliance.web.redirects import safe_target

bp = Blueprint("rights", __name__, url_prefix="/legal/rights")

RIGHT_LABELS = {
    Right.ACCESS: _l("Access"), Right.RECTIFICATION: _l("Rectification"),
    Right.ERASURE: _l("Erasure"), Right.OBJECTION: _l("Objection"),
    Right.PORTABILITY: _l("Portability"),
}
STATUS_LABELS = {
    RequestStatus.OPEN: _l("Open"), RequestStatus.ON_HOLD: _l("On legal hold"),
    RequestStatus.DONE: _l("Resolved"), RequestStatus.REFUSED: _l("Refused"),
}
RESOLUTION_LABELS = {
    "served in the portal": _l("served in the portal"), "released": _l("released and erased"),
    "resolved": _l("resolved"), "refused": _l("refused"),
}
# Which field each rule's message belongs next to, per step's form.
MESSAGES = {
    "reasons_missing": _l("Give the reasons: the candidate receives them."),
    "reasons_too_long": _l("Write at most 2000 characters."),
    "months": _l("Choose one or two months."),
    "closed": _l("This request is already answered: it can no longer be changed."),
    "extended_already": _l("This request was extended once already; it cannot be extended "
                           "again (GDPR Art. 12(3))."),
    "extension_late": _l("The first month after the request has passed: an extension had to "
                         "be told within it (GDPR Art. 12(3))."),
    "held_already": _l("This data subject is already on legal hold."),
    "not_held": _l("This data subject is not on legal hold."),
    "erasing": _l("The erasure of this data subject has begun; it can no longer be held."),
}
FORM_RULES = {"closed", "extended_already", "extension_late", "held_already", "not_held",
              "erasing"}


roles_only(bp, Role.LEGAL)


def _long(value) -> str:
    return format_date(value, "long") if value else "–"


def _row(item: RightsRequest, vacancies: dict[int, str], holds: dict) -> dict:
    """What a page shows of a request: the case by pseudonym, never the candidate's name."""
    hold = holds.get(item.subject_id)
    return {
        "id": item.id, "pseudonym": audit.pseudonym(item.subject)[:12],
        "vacancy": vacancies.get(item.subject_id), "right": RIGHT_LABELS[item.right],
        "received": _long(item.received_at), "received_iso": item.received_at.date().isoformat(),
        "due": _long(item.due_at), "due_iso": item.due_at.date().isoformat(),
        "overdue": item.overdue, "status": STATUS_LABELS[item.status],
        "hold_reason": hold.reason if hold is not None else None,
        "extended": _long(item.extended_at) if item.extended_at else None,
        "resolved": _long(item.resolved_at) if item.resolved_at else None,
        "resolution": RESOLUTION_LABELS.get(item.resolution, item.resolution or ""),
        "url": url_for("rights.case", request_id=item.id),
    }


def _rows(items: list[RightsRequest]) -> list[dict]:
    reads.note_many(current_user, [(r.subject_id, {"rights_request": r.id}) for r in items])
    subjects = list({item.subject_id: item.subject for item in items}.values())
    vacancies, holds = rights.vacancies_of(subjects), rights.holds_of(subjects)
    return [_row(item, vacancies, holds) for item in items]


@bp.get("")
def requests():
    return render_template("legal/rights.html", open_requests=_rows(rights.open_requests()),
                           resolved=_rows(rights.recent_resolved()))


@bp.get("/<int:request_id>")
def case(request_id: int):
    return _case_page(db.get_or_404(RightsRequest, request_id))


def _case_page(item: RightsRequest, errors: dict | None = None, values=None, status=200):
    [row] = _rows([item])
    details = rights.read_details(item, actor=current_user)
    db.session.commit()
    return render_template(
        "legal/rights_case.html", item=item, row=row, errors=errors or {}, details=details,
        values=values or {}, held=rights.held(item.subject) is not None,
        can_extend=item.allows(Step.EXTEND), can_resolve=item.allows(Step.RESOLVE),
        can_refuse=item.allows(Step.REFUSE),
        first_due=_long(item.first_due),
        months=[("1", _("One more month")), ("2", _("Two more months"))],
    ), status


def _act(request_id: int, field: str, step) -> object:
    """Run one of counsel's steps on a request; show the rule it broke next to its field."""
    item = db.get_or_404(RightsRequest, request_id)
    try:
        step(item)
    except RightsError as error:
        db.session.rollback()
        where = "form" if error.code in FORM_RULES else field
        return _case_page(db.get_or_404(RightsRequest, request_id),
                          {where: str(MESSAGES[error.code])}, request.form,
                          409 if where == "form" else 422)
    db.session.commit()
    return None


@bp.post("/<int:request_id>/extend")
def extend(request_id: int):
    months, reasons = request.form.get("months", ""), request.form.get("extension_reasons", "")
    errors = {}  # both fields at once, before the operation checks them again
    if months not in ("1", "2"):
        errors["months"] = str(MESSAGES["months"])
    if not reasons.strip():
        errors["extension_reasons"] = str(MESSAGES["reasons_missing"])
    if errors:
        return _case_page(db.get_or_404(RightsRequest, request_id), errors, request.form, 422)
    failed = _act(request_id, "extension_reasons", lambda item: rights.extend(
        item, actor=current_user, months=int(months), reasons=reasons))
    if failed is None:
        flash(_("The deadline is extended and the candidate is told why."))
    return failed or redirect(url_for("rights.case", request_id=request_id))


@bp.post("/<int:request_id>/resolve")
def resolve(request_id: int):
    failed = _act(request_id, "note", lambda item: rights.resolve(
        item, actor=current_user, note=request.form.get("note", "")))
    if failed is None:
        flash(_("The request is resolved."))
    return failed or redirect(url_for("rights.requests"))


@bp.post("/<int:request_id>/refuse")
def refuse(request_id: int):
    failed = _act(request_id, "refusal_reasons", lambda item: rights.refuse(
        item, actor=current_user, reasons=request.form.get("refusal_reasons", "")))
    if failed is None:
        flash(_("The request is refused; the candidate receives your reasons and their right "
                "to complain."))
    return failed or redirect(url_for("rights.case", request_id=request_id))


@bp.post("/<int:request_id>/hold")
def hold_case(request_id: int):
    failed = _act(request_id, "hold_reason", lambda item: rights.place_hold(
        item.subject, actor=current_user, reason=request.form.get("hold_reason", "")))
    if failed is None:
        flash(_("The legal hold is placed."))
    return failed or redirect(url_for("rights.case", request_id=request_id))


@bp.post("/<int:request_id>/release")
def release_case(request_id: int):
    failed = _act(request_id, "release_reason", lambda item: rights.release_hold(
        item.subject, actor=current_user, reason=request.form.get("release_reason", "")))
    if failed is None:
        flash(_("The legal hold is released."))
    return failed or redirect(url_for("rights.requests"))


@bp.post("/holds")
def hold():
    """Put a subject on hold from its case's page: an erasure request then waits for counsel
    and the retention sweep passes it by (Art. 17(3))."""
    return _subject_step(lambda subject, reason: rights.place_hold(
        subject, actor=current_user, reason=reason), _("The legal hold is placed."))


@bp.post("/holds/release")
def release():
    return _subject_step(lambda subject, reason: rights.release_hold(
        subject, actor=current_user, reason=reason), _("The legal hold is released."))


def _subject_step(step, done: str):
    subject = db.get_or_404(Subject, request.form.get("subject_id", type=int) or 0)
    back = safe_target(request.form.get("back"), url_for("rights.requests"))
    try:
        step(subject, request.form.get("reason", ""))
    except RightsError as error:
        db.session.rollback()
        flash(str(MESSAGES[error.code]))
        return redirect(back)
    db.session.commit()
    flash(done)
    return redirect(back)
