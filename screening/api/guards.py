"""The API's shared refusals: the pages' role guard, and conflicts with a case's state."""

from flask_smorest import abort

from compliance.accounts import Role
from screening import access
from screening.api.auth import api_user
from screening.lifecycle import CaseError, IllegalTransition


def staff_only() -> None:
    """Administrators have no business with cases, as on the pages (403, audited)."""
    user = api_user()
    if user.role == Role.ADMIN:
        access.require_role(user, Role.RECRUITER, Role.LEGAL)


def conflict(problem: str, message: str) -> None:
    """Answer 409: the case's state does not allow the operation now."""
    abort(409, problem=problem, message=message)


def case_conflict(error: CaseError, specific: dict[str, tuple[str, str]]) -> None:
    """Answer 409 for a refused case operation, naming the state and action when illegal."""
    if isinstance(error, IllegalTransition):
        abort(409, problem="illegal-transition",
              message=f"A case in the state {error.state.value!r} cannot "
                      f"{error.action.value.replace('_', ' ')}.",
              state=error.state.value, action=error.action.value)
    if error.code == "reasons":
        abort(422, problem="reasons-required",
              message="A rejection must give its reasons: the candidate reads them.")
    if error.code == "comment_window":
        closes = error.facts["closes"]
        abort(409, problem="comment-window-open",
              message="The candidate can still add context to the findings until "
                      f"{closes.isoformat()}: a rejection must wait until then, unless they "
                      "say they are done.", closes_at=closes.isoformat())
    conflict(*specific[error.code])
