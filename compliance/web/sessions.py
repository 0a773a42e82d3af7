"""Staff sessions: who a cookie names, when it was issued, and when it stops counting.

The session lives in a signed cookie, so the server ends it by making the cookie worthless: the
cookie names the user together with the user's session version (see `User.get_id`), and
logging out, a password change, deactivation or "log out everywhere" raise that version. Besides
the idle timeout, a session ends SESSION_MAX_HOURS after its login, however busy it is.
"""

import re

from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user

from compliance.accounts import User
from compliance.db import db, utcnow

SESSION_ID = re.compile(r"([0-9]{1,9}):([0-9]{1,9})")
PENDING_MINUTES = 5  # between a right password and the code
# How stale `last_seen` may be before a request writes it again. Writing it re-signs and resends
# the cookie, so a busy session pays that once a minute, not on every request; an idle session
# may end up to this much before IDLE_TIMEOUT_MINUTES, never after.
SEEN_EVERY_SECONDS = 60


def load_user(session_id: str) -> User | None:
    """Return the active user whose current session version this cookie carries."""
    match = SESSION_ID.fullmatch(session_id)
    if match is None:
        return None  # also every cookie issued before session versions existed
    user = db.session.get(User, int(match[1]))
    if user is None or not user.active or user.session_version != int(match[2]):
        return None
    return user


def start_session(user: User) -> None:
    """Log the user in on a fresh session and note when, for the absolute lifetime."""
    session.clear()
    login_user(user)
    session.permanent = True  # the cookie lasts as long as the idle timeout allows
    session["login_at"] = session["last_seen"] = _now()


def start_pending(user: User, next_url: str | None) -> None:
    """Remember, on a fresh session, a user whose password was right and who owes a code."""
    session.clear()
    session["pending_user"], session["pending_at"] = user.get_id(), _now()
    session["pending_next"] = next_url


def pending_user() -> User | None:
    """Return the user owing a second factor, for PENDING_MINUTES after their password."""
    started, session_id = session.get("pending_at"), session.get("pending_user")
    if not isinstance(started, int) or not isinstance(session_id, str):
        return None
    if _now() - started > 60 * PENDING_MINUTES:
        return None
    return load_user(session_id)


def renew_session(user: User) -> None:
    """Carry this session over to the user's new session version, keeping its login time."""
    login_at = session.get("login_at")
    login_user(user)
    session["login_at"] = login_at


def enforce_limits() -> None:
    """Log out a session idle past IDLE_TIMEOUT_MINUTES or older than SESSION_MAX_HOURS."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    now, config = _now(), current_app.config
    login_at, last_seen = session.get("login_at"), session.get("last_seen")
    too_old = not isinstance(login_at, int) or now - login_at > 3600 * config["SESSION_MAX_HOURS"]
    idle = isinstance(last_seen, int) and now - last_seen > 60 * config["IDLE_TIMEOUT_MINUTES"]
    if too_old or idle:
        logout_user()
        session.clear()
        return
    if not isinstance(last_seen, int) or now - last_seen >= SEEN_EVERY_SECONDS:
        session.permanent = True
        session["last_seen"] = now


def _now() -> int:
    return int(utcnow().timestamp())
