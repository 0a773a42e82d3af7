"""Candidate pages for what went wrong: a dead link, with a form for a fresh one, and errors.

Every page here stays in the portal's look, in the candidate's language where the link names
the case (else the browser's), and points back to the candidate's own page, never to the staff
login.
"""

from flask import current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from compliance import tokens
from compliance.db import db
from compliance.personal import keyed_hash
from compliance.tokens import Purpose
from compliance.web import limiter, outage
from screening.links import candidate_of_link, send_fresh_link
from screening.web.portal import DeadLink, bp


def _address_key() -> str:
    # Keyed hash of what was typed: the clear address never reaches the rate-limit store.
    return keyed_hash(request.form.get("email", ""), purpose="fresh-link-limit")


def _link_key() -> str:
    return keyed_hash((request.view_args or {}).get("token", ""), purpose="fresh-link-token")


def _fresh_link_limit() -> str:
    return current_app.config["FRESH_LINK_RATE_LIMIT"]


@bp.errorhandler(DeadLink)
def dead_link(error: DeadLink):
    """Explain that the link has expired or was used, and offer to send a fresh one.

    Forged, expired and used links all answer 404 with this page; a link that named a case
    shows it in the candidate's language.
    """
    candidate = candidate_of_link(error.raw)
    if candidate is not None:
        g.locale_override = candidate.language
    return render_template("candidate/link_expired.html", errors={}, values={},
                           action=url_for("portal.fresh_link", token=error.raw[:100])), 404


@bp.post("/links/<token>/fresh")
@limiter.limit(_fresh_link_limit, key_func=_address_key, scope="fresh-link-address")
@limiter.limit(_fresh_link_limit, key_func=_link_key, scope="fresh-link-token")
def fresh_link(token: str):
    """Send a fresh link to the address on file; the answer never says whether it matched."""
    address = request.form.get("email", "").strip()
    candidate = candidate_of_link(token)
    if candidate is not None:
        g.locale_override = candidate.language
    if not address or "@" not in address or len(address) > 254:
        errors = {"email": _("Type the e-mail address our messages to you were sent to, such "
                             "as name@example.com.")}
        return render_template("candidate/link_expired.html", errors=errors,
                               values={"email": address},
                               action=url_for("portal.fresh_link", token=token)), 422
    send_fresh_link(token, address)
    db.session.commit()  # the mail goes out after the commit
    return render_template("candidate/link_sent.html")


def _portal_home(raw: str | None = None) -> str | None:
    """The candidate's own page, where the request's link is a live portal link."""
    raw = raw if raw is not None else (request.view_args or {}).get("token", "")
    link = tokens.resolve(raw, Purpose.PORTAL)
    if link is None:
        return None
    candidate = candidate_of_link(raw)
    if candidate is not None:
        g.locale_override = candidate.language
    g.portal_home = url_for("portal.home", token=raw)
    return g.portal_home


MESSAGES = {
    400: lambda: _("Your request could not be understood."),
    404: lambda: _("This page does not exist."),
    405: lambda: _("This page cannot be used that way."),
    409: lambda: _("This was already done, or can no longer be done."),
    429: lambda: _("Too many attempts in a short time. Wait a minute, then try again."),
}


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError):
    home = _portal_home()
    return render_template("candidate/error.html", home=home, title=_("This form has expired"),
                           message=_("The form was open too long or was already sent. Open "
                                     "your page again and send it once more.")), 400


def candidate_error(error: HTTPException, raw: str | None = None):
    """Any other error on a candidate page: say what happened and where to go from here."""
    if getattr(error, "response", None) is not None:
        return error.response
    code = error.code or 500
    home = _portal_home(raw)
    message = MESSAGES.get(code, lambda: _("Something went wrong on our side."))()
    if code == 429 and request.endpoint == "portal.fresh_link":
        message = _("Too many attempts in a short time. Wait an hour, then try again.")
    return render_template("candidate/error.html", home=home, title=_("This did not work"),
                           message=message), code


CANDIDATE_PATHS = ("/portal/", "/consent/", "/links/")


def unrouted_error(error: HTTPException):
    """Answer an error on a candidate address that matched no view (a wrong method, a path
    under a portal link that does not exist); None lets the app's own page answer."""
    if not request.path.startswith(CANDIDATE_PATHS) or request.blueprint is not None:
        return None
    parts = request.path.split("/")
    return candidate_error(error, parts[2] if len(parts) > 2 else "")


def database_unavailable(error: Exception):
    """A candidate page the database (or the rate limits' store) failed: 503, in the portal's
    look, pointing back to the page the link opens; nothing here may read the database again."""
    store = isinstance(error, outage.STORE_ERRORS)
    if not store and not outage.is_unavailable(error):
        raise error
    outage.remember_locale()  # the candidate's language, where the link was read already
    (outage.recover_store if store else outage.recover)(error)
    return outage.unavailable(render_template("candidate/unavailable.html",
                                              home=_home_without_database(),
                                              title=_("This did not work")))


def _home_without_database() -> str | None:
    """The page to go back to, from what the request already knows: the candidate's own page,
    or the agreement form they were answering."""
    if g.get("portal_home"):
        return g.portal_home
    raw = (request.view_args or {}).get("token", "")
    if not raw or len(raw) > 100 or request.blueprint != "portal":
        return None
    if request.endpoint == "portal.consent_page":
        return url_for("portal.consent_page", token=raw)
    if request.path.startswith("/portal/"):
        return url_for("portal.home", token=raw)
    return None


for _error in outage.ERRORS + outage.STORE_ERRORS:
    bp.register_error_handler(_error, database_unavailable)

# Per code, as the app's own handlers are: Flask looks a code's handlers up before any class's.
for _code in (*MESSAGES, 500):
    bp.register_error_handler(_code, candidate_error)
