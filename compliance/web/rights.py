"""Legal counsel's page of rights requests: due dates, overdue ones first, and their resolution."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from compliance import rights
from compliance.accounts import Role
from compliance.db import db
from compliance.web.gates import roles_only
from compliance.web.redirects import safe_target

bp = Blueprint("rights", __name__, url_prefix="/legal/rights")


roles_only(bp, Role.LEGAL)


@bp.get("")
def requests():
    return render_template("legal/rights.html", open_requests=rights.open_requests(),
                           resolved=rights.recent_resolved())


@bp.post("/<int:request_id>")
def resolve(request_id: int):
    item = db.get_or_404(rights.RightsRequest, request_id)
    note = request.form.get("note", "").strip()
    action = request.form.get("action")
    if action not in ("release", "refuse") or not note or len(note) > 2000:
        flash(_("Choose release or refuse, and give a reason of at most 2000 characters."))
        return redirect(url_for("rights.requests"))
    if item.status not in (rights.RequestStatus.OPEN, rights.RequestStatus.ON_HOLD):
        abort(409)
    rights.resolve(item, actor=current_user, release=action == "release", note=note)
    db.session.commit()
    flash(_("The request is resolved."))
    return redirect(url_for("rights.requests"))


@bp.post("/holds")
def hold():
    """Put a subject on hold: an erasure request then waits for counsel (Art. 17(3))."""
    from compliance.subjects import Subject

    subject = db.get_or_404(Subject, request.form.get("subject_id", type=int) or 0)
    reason = request.form.get("reason", "").strip()
    back = safe_target(request.form.get("back"), url_for("rights.requests"))
    if not reason or len(reason) > 2000:
        flash(_("Give a reason of at most 2000 characters."))
        return redirect(back)
    if rights.held(subject) is None:
        rights.place_hold(subject, actor=current_user, reason=reason)
        db.session.commit()
    flash(_("The legal hold is placed."))
    return redirect(back)
