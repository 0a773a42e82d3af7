"""The pages behind staff e-mail links: accepting an invitation, forgetting and resetting a
password. A link that is used, expired or unknown says which, and what to do instead."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from compliance import account_links
from compliance.account_links import LinkPurpose, LinkState
from compliance.db import db
from compliance.schemas import ForgotSchema, NewPasswordSchema
from compliance.validation import load_form
from compliance.web.auth import THROTTLED_PAGES, per_account, per_address

bp = Blueprint("links", __name__)


def _forgot_page(errors: dict, values: dict, status: int = 200):
    return render_template("auth/forgot.html", errors=errors, values=values), status


THROTTLED_PAGES["links.forgot"] = lambda message: _forgot_page(
    {"form": message}, {"email": request.form.get("email", "")})[0]


@bp.route("/password/forgot", methods=["GET", "POST"])
@per_address
@per_account
def forgot():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    if request.method == "GET":
        return _forgot_page({}, {})
    data, errors = load_form(ForgotSchema(), request.form)
    if not data:
        return _forgot_page(errors, {"email": request.form.get("email", "")}, 422)
    g.password_refused = True  # every request counts against the address's budget: no mail bomb
    account_links.request_reset(data["email"])
    db.session.commit()
    return render_template("auth/forgot_sent.html")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, LinkPurpose.PASSWORD_RESET, account_links.reset_password,
                            _("Your password is changed, and every session of yours is logged "
                              "out. Log in with the new password."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _choose_password(token, LinkPurpose.INVITATION, account_links.accept_invitation,
                            _("Welcome. Log in with your e-mail address and the password you "
                              "chose."))


def _choose_password(token: str, purpose: LinkPurpose, operation, done: str):
    state, link = account_links.follow(token, purpose)
    if state != LinkState.LIVE:
        return render_template("auth/link_dead.html", state=state.value,
                               invitation=purpose == LinkPurpose.INVITATION), 410
    errors = {}
    if request.method == "POST":
        data, errors = load_form(NewPasswordSchema(), request.form)
        if data:
            operation(link, data["new_password"])
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()  # someone else's session on this browser: theirs is not this one
            flash(done)
            return redirect(url_for("auth.login"))
    return render_template("auth/choose_password.html", errors=errors, user=link.user,
                           invitation=purpose == LinkPurpose.INVITATION), 422 if errors else 200
