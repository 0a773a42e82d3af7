"""Logging in and out, and the user's own preferences: language, password, sessions, tokens."""

import math
import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RequestLimit
from flask_login import current_user, login_required, logout_user

from compliance import second_factor, staff_mail
from compliance.accounts import (
    Role,
    authenticate,
    change_password,
    end_sessions,
    log_out,
    login_throttle_key,
    update_user,
)
from compliance.api_tokens import ApiToken, create_token, revoke_token, tokens_of
from compliance.db import db
from compliance.schemas import ApiTokenSchema, LoginSchema, PasswordChangeSchema, PreferencesSchema
from compliance.validation import load_form
from compliance.web import limiter
from compliance.web.redirects import safe_target
from compliance.web.sessions import pending_user, renew_session, start_pending, start_session

bp = Blueprint("auth", __name__)


def _refused(limit: RequestLimit) -> Response | None:
    """Answer a throttled password attempt on its own form, saying when to try again.

    The message is the same for the address and the account limit, and an unknown e-mail
    address is throttled like a known one, so it tells nobody whether an account exists.
    """
    # reset_at is rounded up by a second past the window's end.
    minutes = max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60))
    message = ngettext("Too many attempts. Try again in %(num)d minute.",
                       "Too many attempts. Try again in %(num)d minutes.", minutes)
    if request.endpoint == "auth.password" and current_user.is_authenticated:
        page, _status = preferences_page({}, password_errors={"form": message})
    elif request.endpoint == "auth.login":
        page = render_template("auth/login.html", errors={"form": message},
                               values={"email": request.form.get("email", "")})
    elif request.endpoint in THROTTLED_PAGES:
        page = THROTTLED_PAGES[request.endpoint](message)
    else:
        return None
    return make_response(page, 429)


# Other forms that guess at a secret (the second step, the reset request) name how to show the
# throttling message on themselves: endpoint -> render(message).
THROTTLED_PAGES: dict = {}


def _account_key() -> str:
    if request.endpoint in ("auth.login", "links.forgot"):
        return login_throttle_key(request.form.get("email", ""))
    if request.endpoint == "factor.code":
        pending = pending_user()
        return login_throttle_key(pending.email if pending else "")
    return login_throttle_key(current_user.email if current_user.is_authenticated else "")


def _password_refused(_response: Response) -> bool:
    return g.get("password_refused", False)


# Per address, every attempt counts. Per account, only wrong passwords count, from any address:
# a spray from many addresses is held back, and a user's own logins never use the budget up.
# The price: whoever knows an address can keep its owner out for up to one window.
per_address = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"],
                                   scope="password-address", methods=["POST"],
                                   on_breach=_refused)
per_account = limiter.shared_limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
                                   scope="password-account", key_func=_account_key,
                                   methods=["POST"], deduct_when=_password_refused,
                                   on_breach=_refused)


def home_for(user) -> str:
    """Return where a user lands after logging in."""
    if user.role == Role.ADMIN:
        return url_for("admin.users")
    return url_for("recruiter.dashboard")


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@per_address
@per_account
def login():
    if current_user.is_authenticated:
        return redirect(safe_target(request.args.get("next"), home_for(current_user)))
    errors, values = {}, {}
    if request.method == "POST":
        values = {"email": request.form.get("email", "")}
        data, errors = load_form(LoginSchema(), request.form)
        if data:
            user = authenticate(data["email"], data["password"])
            db.session.commit()
            if user and second_factor.enrolled(user):
                start_pending(user, request.args.get("next"))
                return redirect(url_for("factor.code"))
            if user:  # an admin or counsel without a second factor is sent to set one up
                start_session(user)
                return redirect(safe_target(request.args.get("next"), home_for(user)))
            g.password_refused = True
            errors = {"form": _("The e-mail address or password is not right.")}
    return render_template("auth/login.html", errors=errors, values=values), (
        401 if errors.get("form") else 200
    )


@bp.post("/logout")
@login_required
def logout():
    log_out(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


@bp.post("/preferences/sessions/end")
@login_required
def end_all_sessions():
    """Log out everywhere: every device, and any copy of a session cookie, this one too."""
    end_sessions(current_user, actor=current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out everywhere, on this device too."))
    return redirect(url_for("auth.login"))


@bp.post("/preferences/password")
@login_required
@per_address
@per_account
def password():
    data, errors = load_form(PasswordChangeSchema(), request.form)
    if data and not change_password(current_user, data["current_password"],
                                    data["new_password"], actor=current_user):
        g.password_refused = True
        errors = {"current_password": _("This is not your current password.")}
    if errors:
        return preferences_page({}, password_errors=errors, status=422)
    db.session.commit()
    renew_session(current_user._get_current_object())  # the user, not the proxy to it
    flash(_("Your password is changed. Every other session of yours is logged out."))
    return redirect(url_for("auth.preferences"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    errors = {}
    if request.method == "POST":
        data, errors = load_form(PreferencesSchema(), request.form)
        if data:
            update_user(current_user, actor=current_user, language=data["language"])
            db.session.commit()
            flash(_("Your preferences are saved."))
            return redirect(url_for("auth.preferences"))
    return preferences_page(errors)


@bp.post("/preferences/notifications")
@login_required
def notifications():
    """Switch each kind of e-mail on or off: a box left unticked is a kind switched off."""
    staff_mail.set_enabled(current_user, request.form.getlist("notifications"),
                           actor=current_user)
    db.session.commit()
    flash(_("Your e-mail choices are saved."))
    return redirect(url_for("auth.preferences"))


def preferences_page(errors: dict, *, token_errors: dict | None = None,
                     password_errors: dict | None = None, new_token: str | None = None,
                     factor_errors: dict | None = None, status: int = 200):
    user = current_user._get_current_object()
    factor = {"enrolled": second_factor.enrolled(user), "required": second_factor.required(user),
              "codes_left": second_factor.unused_recovery_codes(user),
              "errors": factor_errors or {}}
    return render_template("auth/preferences.html", errors=errors,
                           values={"language": current_user.language or "",
                                   "notifications": staff_mail.enabled_kinds(current_user)},
                           notification_kinds=staff_mail.kinds_for(current_user),
                           tokens=tokens_of(current_user), token_errors=token_errors or {},
                           password_errors=password_errors or {}, new_token=new_token,
                           factor=factor), status


@bp.post("/preferences/tokens")
@login_required
def new_token():
    """Create a personal API token and show it once, in this response only (never flashed)."""
    data, errors = load_form(ApiTokenSchema(), request.form)
    if not data:
        return preferences_page({}, token_errors=errors, status=422)
    _token, raw = create_token(current_user, data["name"], actor=current_user)
    db.session.commit()
    return preferences_page({}, new_token=raw)


@bp.post("/preferences/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    revoke_token(token, actor=current_user)
    db.session.commit()
    flash(_("The token is revoked."))
    return redirect(url_for("auth.preferences"))
