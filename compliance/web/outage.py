"""A database, or the rate limits' Redis, that drops out in the middle of a request: 503 with
Retry-After, never a 500.

The request's transaction is rolled back, so nothing of it stays half-written (PostgreSQL
ends a killed backend's transaction itself); the pool discards the broken connection (a
connection SQLAlchemy saw fail is invalidated, and `pool_pre_ping` replaces one that died
while idle). The API answers a problem document; a page says, in the reader's language, to
try again in a moment. The answer touches the database no more: it may still be down.

The rate limits' store (Redis, when configured) fails closed: a limited route, the login
among them, answers the same 503 while its counters cannot be read, rather than letting
guesses through uncounted. The database's work of the request, if any, is rolled back too.
"""

import logging
import sqlite3

import psycopg
import redis
from flask import Flask, Response, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from limits.errors import StorageError
from sqlalchemy import exc
from werkzeug.exceptions import ServiceUnavailable

from compliance.db import db
from compliance.web.problems import problem_response, wants_problem

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# SQLite's answers that pass: another writer holds the lock, or the disk faltered.
SQLITE_TRANSIENT = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR")
# What a driver or the pool raises when the database cannot be used just now. Drivers' own
# errors come unwrapped from the few places that use the raw connection (the audit lock).
ERRORS = (exc.DBAPIError, exc.DisconnectionError, exc.TimeoutError,
          psycopg.OperationalError, sqlite3.OperationalError)
# What the rate limits' store raises when Redis cannot be reached or answers too late.
STORE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, StorageError)
TITLE = _l("The service is briefly unavailable")


class DatabaseUnavailable(ServiceUnavailable):
    """The database could not finish the request; a retry after a few seconds may."""

    def __init__(self) -> None:
        super().__init__()
        self.data = {"problem": "database-unavailable",
                     "message": "The database could not finish the request, so it was not "
                                "completed. Try again in a few seconds.",
                     "headers": {"Retry-After": str(RETRY_AFTER_SECONDS)}}


class StoreUnavailable(ServiceUnavailable):
    """The rate limits' store could not be asked; a retry after a few seconds may pass."""

    def __init__(self, after_view: bool = False) -> None:
        super().__init__()
        message = ("The request could not be counted against its rate limit, so it was not "
                   "carried out. Try again in a few seconds.")
        if after_view:  # Redis went between the check and the answer: the view had run
            message = ("The request was carried out, but the store that counts rate limits "
                       "went away before the answer was sent. Read the result again before "
                       "repeating a change.")
        self.data = {"problem": "rate-limit-store-unavailable", "message": message,
                     "headers": {"Retry-After": str(RETRY_AFTER_SECONDS)}}


def is_unavailable(error: BaseException) -> bool:
    """Tell a lost or busy database from an error in the request or the code."""
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    if isinstance(error, exc.DisconnectionError | exc.TimeoutError | psycopg.OperationalError):
        return True  # PostgreSQL's operational errors: lost, shut down, cancelled, deadlocked
    if isinstance(error, sqlite3.OperationalError):
        name = getattr(error, "sqlite_errorname", "") or ""
        if name:
            return name.startswith(SQLITE_TRANSIENT)
        return "locked" in str(error)  # raised without a code (SQLAlchemy's own, or a driver's)
    return False


def recover(error: BaseException) -> None:
    """Roll the request's work back and let go of its connection."""
    # Only names: the driver's message may quote the statement and its parameters.
    cause = getattr(error, "orig", None) or error
    log.warning("database unavailable during %s %s: %s", request.method, request.endpoint,
                type(cause).__name__)
    try:
        db.session.rollback()
    except Exception as failed:  # a rollback on a dead connection may fail as well
        log.warning("rollback after a lost database failed: %s", type(failed).__name__)
        db.session().invalidate()  # the scoped proxy does not pass this one on


def unavailable(body: str) -> Response:
    """Make a 503 answer with Retry-After around a rendered page."""
    response = Response(body, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def answer(error: BaseException):
    """Answer a request the database failed: a problem document, or the staff's page."""
    if not is_unavailable(error):
        raise error  # a fault of the request or the code: answered as before
    remember_locale()
    recover(error)
    return _answer(DatabaseUnavailable())


def answer_store(error: BaseException, after_view: bool = False):
    """Answer a request whose rate limit could not be checked (the view did not run) or
    reported (`after_view`: it ran, and what it wrote stays): 503, never 500."""
    remember_locale()
    recover_store(error)
    return _answer(StoreUnavailable(after_view))


def _answer(problem: ServiceUnavailable):
    """The API's problem document, or the staff's page saying to try again in a moment."""
    if wants_problem():
        return problem_response(problem)
    return unavailable(render_template("errors/unavailable.html", title=TITLE))


def recover_store(error: BaseException) -> None:
    """Log the lost rate limits' store and roll back what the request left uncommitted."""
    log.warning("rate limit store unavailable during %s %s: %s", request.method,
                request.endpoint, type(error).__name__)
    try:
        db.session.rollback()
    except exc.SQLAlchemyError as failed:
        log.warning("rollback after a lost rate limit store failed: %s", type(failed).__name__)


def store_failed(error: BaseException) -> bool:
    """Tell whether an error that reached the 500 handler came from the rate limits' store
    (when adding the limit's headers to an answer, after the view had run)."""
    return isinstance(getattr(error, "original_exception", None), STORE_ERRORS)


def remember_locale() -> None:
    """Fix the page's language now, while the signed-in user is still loaded: after the
    rollback, reading their preference would ask the database again."""
    from compliance.web import select_locale

    try:
        g.locale_override = select_locale()
    except exc.SQLAlchemyError:
        g.locale_override = request.accept_languages.best_match(
            current_app.config["LANGUAGES"]) or "en"


def init_app(app: Flask) -> None:
    """Answer database and rate limit store outages on every page and API operation."""
    for error in ERRORS:
        app.register_error_handler(error, answer)
    for error in STORE_ERRORS:
        app.register_error_handler(error, answer_store)
