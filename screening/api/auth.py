"""Bearer-token authentication for the API: no session, no cookie, just the token."""

import hashlib

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from compliance.accounts import User
from compliance.api_tokens import user_for


def _bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def require_token() -> None:
    """Authenticate the request by its bearer token, or answer 401."""
    raw = _bearer()
    user = user_for(raw) if raw else None
    if user is None:
        abort(401, message="Send a valid personal API token as `Authorization: Bearer <token>`.",
              headers={"WWW-Authenticate": 'Bearer realm="fairscreen"'})
    g.api_user = user


def api_user() -> User:
    """Return the user the request's token belongs to."""
    return g.api_user


def rate_limit_key() -> str:
    """Count requests per token (by its hash), or per address when there is none."""
    raw = _bearer()
    if raw:
        return "token:" + hashlib.sha256(raw.encode()).hexdigest()
    return "addr:" + (get_remote_address() or "unknown")
