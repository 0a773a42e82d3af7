"""The API's shared refusals: the pages' role guard, and conflicts with a case's state."""

from flask_smorest import abort

from compliance.accounts import Role
from screening import access
from screening.api.auth import api_user


def staff_only() -> None:
    """Administrators have no business with cases, as on the pages (403, audited)."""
    user = api_user()
    if user.role == Role.ADMIN:
        access.require_role(user, Role.RECRUITER, Role.LEGAL)


def conflict(problem: str, message: str) -> None:
    """Answer 409: the case's state does not allow the operation now."""
    abort(409, problem=problem, message=message)
