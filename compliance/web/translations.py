"""The catalogue of the locale in force, found once per application context.

Flask-Babel looks the catalogue up anew for every string (its state, domain and locale, each
through Flask's context proxies, and the locale turned into a string for the cache key):
about 17 µs a string, 30 through Jinja, and a page asks for dozens, from its template and
from the code's `_()` and lazy labels alike. Here the catalogue found for a locale is kept
beside Flask-Babel's own state and used while that locale is in force, by the templates'
callables and by Flask-Babel's own domain (KeptDomain, installed by init_app); `force_locale`
and `refresh` put another locale object there, so the next string finds that locale's
catalogue through Flask-Babel again.
"""

from collections.abc import Callable

from flask import Flask, g, has_app_context
from flask_babel import Babel, Domain, get_translations

_KEPT = "fairscreen_translations"
_MEMO = "fairscreen_memo"


def translations():
    """Return Flask-Babel's catalogue for the locale in force."""
    return _kept(get_translations)


def _kept(find: Callable):
    """Return the catalogue kept for the locale in force, else what `find` returns, kept."""
    if not has_app_context():
        return find()
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        kept = getattr(state, _KEPT, None)
        if kept is not None and kept[0] is locale:
            return kept[1]
    found = find()  # resolves and records the locale, as every lookup does
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        setattr(state, _KEPT, (locale, found))
    return found


class KeptDomain(Domain):
    """Flask-Babel's message domain, keeping the catalogue of the locale in force: the code's
    `gettext`, `ngettext` and lazy strings go through it."""

    def get_translations(self):
        return _kept(super().get_translations)


def memo() -> dict | None:
    """Return a dictionary kept while the current locale is in force (None outside an app
    context): for texts built from translations, such as a state's name on a list page."""
    if not has_app_context():
        return None
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        translations()  # resolves the locale, as the first string of a request does
        state = g.get("_flask_babel")
        locale = getattr(state, "babel_locale", None)
        if locale is None:
            return None
    kept = getattr(state, _MEMO, None)
    if kept is None or kept[0] is not locale:
        kept = (locale, {})
        setattr(state, _MEMO, kept)
    return kept[1]


def remembered(key, make: Callable):
    """Return what `make()` returns, made once per key while the current locale is in force
    (at once outside an app context)."""
    known = memo()
    if known is None:
        return make()
    if key not in known:
        known[key] = make()
    return known[key]


def gettext(string: str) -> str:
    """Translate a template's string with the kept catalogue."""
    return translations().ugettext(string)


def init_app(app: Flask, babel: Babel) -> None:
    """Let templates' `_()` and `ngettext()` and the code's use the kept catalogue (after
    Flask-Babel's init_app, which installs its own callables and domain)."""
    # In place of Flask-Babel's cached domain_instance; its cache of catalogues is the domain's.
    babel.domain_instance = KeptDomain(domain=app.extensions["babel"].default_domain)
    app.jinja_env.install_gettext_callables(
        gettext=gettext,
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )

