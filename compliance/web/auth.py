"""Logging in and out, and the user's own preferences."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from compliance import audit
from compliance.accounts import Role, authenticate, update_user
from compliance.api_tokens import ApiToken, create_token, revoke_token, tokens_of
from compliance.audit import AuditAction
from compliance.db import db
from compliance.schemas import ApiTokenSchema, LoginSchema, PreferencesSchema
from compliance.validation import load_form
from compliance.web import limiter

bp = Blueprint("auth", __name__)


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
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    errors, values = {}, {}
    if request.method == "POST":
        values = {"email": request.form.get("email", "")}
        data, errors = load_form(LoginSchema(), request.form)
        if data:
            user = authenticate(data["email"], data["password"])
            db.session.commit()
            if user:
                login_user(user)
                return redirect(home_for(user))
            errors = {"form": _("The e-mail address or password is not right.")}
    return render_template("auth/login.html", errors=errors, values=values), (
        401 if errors.get("form") else 200
    )


@bp.post("/logout")
@login_required
def logout():
    audit.record(AuditAction.LOGOUT, actor=current_user)
    db.session.commit()
    logout_user()
    flash(_("You are logged out."))
    return redirect(url_for("auth.login"))


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
    return _preferences_page(errors)


def _preferences_page(errors: dict, *, token_errors: dict | None = None,
                      new_token: str | None = None, status: int = 200):
    return render_template("auth/preferences.html", errors=errors,
                           values={"language": current_user.language or ""},
                           tokens=tokens_of(current_user), token_errors=token_errors or {},
                           new_token=new_token), status


@bp.post("/preferences/tokens")
@login_required
def new_token():
    """Create a personal API token and show it once, in this response only (never flashed)."""
    data, errors = load_form(ApiTokenSchema(), request.form)
    if not data:
        return _preferences_page({}, token_errors=errors, status=422)
    _token, raw = create_token(current_user, data["name"], actor=current_user)
    db.session.commit()
    return _preferences_page({}, new_token=raw)


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
