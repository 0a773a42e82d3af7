"""The second factor's pages: the login's second step, enrolment, recovery codes, switching off.

Administrators and legal counsel without a second factor may use no page but enrolment (and
logging out) until they have one: the gate below sends them there from anywhere.
"""

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from compliance import second_factor
from compliance.db import db
from compliance.schemas import CodeSchema
from compliance.validation import load_form
from compliance.web.auth import (
    THROTTLED_PAGES,
    home_for,
    per_account,
    per_address,
    preferences_page,
)
from compliance.web.redirects import safe_target
from compliance.web.sessions import pending_user, start_session

bp = Blueprint("factor", __name__)
# Open to a user who must enrol and has not: the enrolment itself, logging out, and assets.
OPEN_WHILE_ENROLLING = {"factor.enrol", "auth.logout", "auth.login", "static"}


@bp.before_app_request
def enrol_first():
    """Send an administrator or counsel without a second factor to enrolment, from any page."""
    if (current_user.is_authenticated and second_factor.required(current_user)
            and not second_factor.enrolled(current_user)
            and request.endpoint not in OPEN_WHILE_ENROLLING
            and not (request.blueprint or "").startswith("api")):  # bearer tokens stay as they are
        return redirect(url_for("factor.enrol"))
    return None


def _code_page(errors: dict, status: int = 200):
    return render_template("auth/code.html", errors=errors), status


THROTTLED_PAGES["factor.code"] = lambda message: _code_page({"form": message})[0]
THROTTLED_PAGES["factor.switch_off"] = lambda message: preferences_page(
    {}, factor_errors={"off_code": message})[0]


@bp.route("/login/code", methods=["GET", "POST"])
@per_address
@per_account
def code():
    """The login's second step: a code from the authenticator app, or a recovery code."""
    user = pending_user()
    if user is None:
        flash(_("Please log in again: the time to enter the code ran out."))
        return redirect(url_for("auth.login"))
    if request.method == "GET":
        return _code_page({})
    data, errors = load_form(CodeSchema(), request.form)
    if data and second_factor.verify(user, data["code"]):
        second_factor.record_login(user)
        db.session.commit()
        target = safe_target(session.get("pending_next"), home_for(user))
        start_session(user)
        return redirect(target)
    db.session.commit()  # the failed attempt's audit event
    if data:
        g.password_refused = True  # counts against the account's budget, like a wrong password
        errors = {"code": _("This code is not right. Codes change every 30 seconds; each "
                            "works once.")}
    return _code_page(errors, 401)


@bp.route("/preferences/second-factor", methods=["GET", "POST"])
@login_required
def enrol():
    """Set up an authenticator app: the secret as text, link and QR code, confirmed by a code."""
    user = current_user._get_current_object()
    if second_factor.enrolled(user):
        return redirect(url_for("auth.preferences", _anchor="second-factor"))
    errors = {}
    if request.method == "POST":
        data, errors = load_form(CodeSchema(), request.form)
        codes = data and second_factor.confirm_enrolment(user, data["code"], actor=user)
        if codes:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
        if data:
            errors = {"code": _("This code is not right. Check the time on your phone and "
                                "enter the code the app shows now.")}
    secret = second_factor.pending_secret(user)
    if secret is None:
        secret = second_factor.start_enrolment(user)
    db.session.commit()
    uri = second_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/enrol.html", errors=errors, secret=second_factor.grouped(secret), uri=uri,
        qr=second_factor.qr_svg(uri, _("QR code to scan with an authenticator app")),
        required=second_factor.required(user)), 422 if errors else 200


@bp.post("/preferences/second-factor/off")
@login_required
@per_address
@per_account
def switch_off():
    """A recruiter switches the second factor off, confirming with a current code."""
    user = current_user._get_current_object()
    if second_factor.required(user) or not second_factor.enrolled(user):
        abort(403)
    data, errors = load_form(CodeSchema(), MultiDict({"code": request.form.get("off_code", "")}))
    if data and second_factor.verify(user, data["code"]):
        second_factor.remove(user, actor=user)
        db.session.commit()
        flash(_("Logging in no longer asks for a code."))
        return redirect(url_for("auth.preferences"))
    db.session.commit()
    if data:
        g.password_refused = True  # a guess at the code, limited like one at the password
        errors = {"off_code": _("This code is not right.")}
    else:
        errors = {"off_code": errors.get("code", "")}
    return preferences_page({}, factor_errors=errors, status=422)


@bp.post("/preferences/recovery-codes")
@login_required
def renew_codes():
    """Make ten new recovery codes, shown once; the old ones stop working."""
    user = current_user._get_current_object()
    if not second_factor.enrolled(user):
        abort(403)
    codes = second_factor.renew_recovery_codes(user, actor=user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes, first=False)
