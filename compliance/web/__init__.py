"""Web plumbing every page shares: login, CSRF, languages, rate limits, headers, errors."""

from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    g,
    has_request_context,
    render_template,
    request,
)
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from compliance.web import outage, sessions, static_assets, translations
from compliance.web.problems import problem_response, wants_problem

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"  # one year, as the HSTS preload list asks

ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not do this"),
    404: _l("Not found"),
    405: _l("This action is not allowed here"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: outage.TITLE,
}


class IdConverter(IntegerConverter):
    """Match only ids a database INTEGER can hold: a larger one is a plain 404, not a 500."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Attach the shared web extensions and hooks to the app."""
    app.url_map.converters["int"] = IdConverter
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(app.root_path + "/translations"))
    translations.init_app(app, babel)
    limiter.init_app(app)
    login_manager.user_loader(sessions.load_user)
    app.before_request(sessions.enforce_limits)
    app.after_request(add_security_headers)
    static_assets.init_app(app)
    app.context_processor(lambda: {"current_locale": select_locale()})
    app.jinja_env.filters["http_url"] = http_url
    for code in ERROR_TITLES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(HTTPException, render_other_error)
    app.register_error_handler(CSRFError, render_csrf_error)
    outage.init_app(app)


def select_locale() -> str:
    """Use the user's own setting, else the browser's preference, else English."""
    languages = ["en", "nl"]
    if getattr(g, "locale_override", None) in languages:
        return g.locale_override
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return request.accept_languages.best_match(languages) or "en"


def http_url(value: str | None) -> str | None:
    """Pass only http(s) links from untrusted content: no javascript:, data: or file: URLs."""
    if value and urlsplit(value).scheme in ("http", "https"):
        return value
    return None


def add_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure or (current_app.config.get("PUBLIC_URL") or "").startswith("https:"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint not in ("static", "brand.logo"):  # the logo is public, by hash
        # Candidate pages and downloads, and staff pages, show personal data: no copy may stay
        # in a browser or proxy cache. This overrides send_file's own caching defaults.
        response.headers["Cache-Control"] = "no-store"
    return response


def render_error(error):
    if outage.store_failed(error):
        return outage.answer_store(error.original_exception, after_view=True)
    if wants_problem():
        return problem_response(error)
    if getattr(error, "response", None) is not None:
        return error.response  # a page of its own, such as the login form's rate-limit message
    code = getattr(error, "code", 500) or 500
    # An area with pages of its own (the candidate portal) answers errors no view of it saw,
    # such as a wrong method on one of its addresses.
    own_pages = current_app.extensions.get("error_pages")
    answer = own_pages(error) if own_pages is not None else None
    if answer is not None:
        return answer
    message = None
    if code == 429:
        message = _l("Too many attempts. Wait a minute, then try again.")
    return render_template("errors/error.html", code=code, title=ERROR_TITLES.get(code),
                           message=message), code


def render_other_error(error: HTTPException):
    """Answer the API with a problem document; pages keep Werkzeug's plain page."""
    if wants_problem():
        return problem_response(error)
    return error


def render_csrf_error(error: CSRFError):
    message = _l("This form has expired or was already sent. Go back, reload the page and "
                 "try again.")
    return render_template("errors/error.html", code=400, title=ERROR_TITLES[400],
                           message=message), 400
