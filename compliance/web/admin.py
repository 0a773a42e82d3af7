"""The administrator's pages: users and organisation settings.

Staff are added by invitation only: the invitee chooses their own password through a
single-use link, so no administrator ever knows or types it (`flask users create` remains for
setting up an instance from the command line).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from compliance import account_links, branding, outbox, policy, reads, second_factor
from compliance.accounts import AccountError, Role, User, end_sessions, update_user
from compliance.db import db
from compliance.organisation import get_settings, update_settings
from compliance.schemas import InviteSchema, SettingsSchema, UserUpdateSchema
from compliance.validation import load_form
from compliance.web.gates import roles_only

bp = Blueprint("admin", __name__, url_prefix="/admin")


roles_only(bp, Role.ADMIN)


@bp.get("/users")
def users():
    rows = db.session.scalars(db.select(User).where(User.password_hash != "")
                              .order_by(User.name)).all()
    invitations = [
        {"user": user, "live": link is not None and link.live,
         "expires": format_datetime(link.expires_at, "short") if link else ""}
        for user, link in account_links.pending_invitations()]
    return render_template("admin/users.html", users=rows, invitations=invitations,
                           enrolled={u.id for u in rows if second_factor.enrolled(u)})


@bp.route("/users/invite", methods=["GET", "POST"])
def invite():
    """Invite a person by e-mail: they choose their own password through a single-use link."""
    errors, values = {}, {"role": Role.RECRUITER.value}
    if request.method == "POST":
        values = request.form.to_dict()
        data, errors = load_form(InviteSchema(), request.form)
        try:
            if data:
                account_links.invite(data["email"], data["name"], Role(data["role"]),
                                     actor=current_user, language=current_user.language or
                                     request.accept_languages.best_match(["en", "nl"]) or "en")
                db.session.commit()
                flash(_("The invitation is sent. The link in it works once, for %(hours)d "
                        "hours.", hours=_INVITATION_HOURS))
                return redirect(url_for("admin.users"))
        except AccountError as error:
            errors = {error.field: error.message}
    return render_template("admin/invite.html", errors=errors, values=values), (
        422 if errors else 200)


_INVITATION_HOURS = int(account_links.INVITATION_LIFETIME.total_seconds() // 3600)


@bp.post("/users/<int:user_id>/invitation/resend")
def resend_invitation(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        account_links.resend_invitation(user, actor=current_user)
    except AccountError as error:
        flash(error.message)
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(_("A new invitation is sent; the earlier link no longer works."))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/invitation/revoke")
def revoke_invitation(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        account_links.revoke_invitation(user, actor=current_user)
    except AccountError as error:
        flash(error.message)
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(_("The invitation is withdrawn."))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/second-factor/reset")
def reset_second_factor(user_id: int):
    """Remove a user's second factor (a lost phone) and end their sessions; an administrator
    or counsel sets up a new one at their next login."""
    user = db.get_or_404(User, user_id)
    second_factor.remove(user, actor=current_user)
    end_sessions(user, actor=current_user)
    db.session.commit()
    flash(_("The second factor is removed and every session of this user is ended."))
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    errors = {}
    values = {"role": user.role.value, "active": user.active}
    if request.method == "POST":
        data, errors = load_form(UserUpdateSchema(), request.form, checkboxes=("active",))
        try:
            if data:  # the operation refuses to remove the last or one's own admin access
                update_user(user, actor=current_user, role=Role(data["role"]),
                            active=data["active"])
                db.session.commit()
                flash(_("The user is saved."))
                return redirect(url_for("admin.users"))
        except AccountError as error:
            errors = {error.field: error.message}
        values = {"role": request.form.get("role"), "active": "active" in request.form}
    return render_template("admin/user_edit.html", user=user, errors=errors, values=values,
                           roles=list(Role), enrolled=second_factor.enrolled(user)), (
        422 if errors else 200)


@bp.post("/users/<int:user_id>/sessions/end")
def end_user_sessions(user_id: int):
    """Log a user out everywhere, for instance after a lost laptop."""
    user = db.get_or_404(User, user_id)
    end_sessions(user, actor=current_user)
    db.session.commit()
    flash(_("Every session of this user is ended."))
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.get("/outbox")
def outbox_page():
    messages = outbox.recent_masked()
    reads.note_many(current_user, [(m.subject_id, {"outbox_message": m.id}) for m in messages])
    return render_template("admin/outbox.html", messages=messages,
                           smtp=outbox.smtp_configured(),
                           send_days=policy.STORED_MAIL_SEND_DAYS)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    current = get_settings()
    errors = {}
    values = {k: getattr(current, k) for k in SettingsSchema().fields}
    values["default_languages"] = current.languages
    if request.method == "POST":
        data, errors = load_form(SettingsSchema(), request.form, lists=("default_languages",))
        logo, logo_error = _uploaded_logo()
        if logo_error:
            errors = {**(errors or {}), "logo": logo_error}
        if data and not logo_error:  # nothing is written unless every field is right
            update_settings(data, actor=current_user)
            if logo is not None:
                branding.set_logo(logo, actor=current_user)
            elif "remove_logo" in request.form:
                branding.remove_logo(actor=current_user)
            db.session.commit()
            flash(_("The settings are saved."))
            return redirect(url_for("admin.settings"))
        values = request.form.to_dict()
        values["default_languages"] = request.form.getlist("default_languages")
    return render_template("admin/settings.html", errors=errors, values=values,
                           logo_url=branding.current_brand().logo_url,
                           max_logo_kb=branding.MAX_LOGO_BYTES // 1024,
                           max_logo_side=branding.MAX_LOGO_SIDE,
                           languages=[("nl", _("Dutch")), ("en", _("English"))],
                           jurisdictions=[("NL", _("Netherlands")), ("BE", _("Belgium")),
                                          ("FR", _("France"))]), (
        422 if errors else 200
    )


def _uploaded_logo() -> tuple[bytes | None, str | None]:
    """Return the cleaned logo from the form, or the message to show next to its field."""
    upload = request.files.get("logo")
    if upload is None or not upload.filename:
        return None, None
    try:  # one byte more than allowed is enough to tell that it is too large
        return branding.clean_logo(upload.read(branding.MAX_LOGO_BYTES + 1)), None
    except branding.LogoError as error:
        return None, str(error.message)
