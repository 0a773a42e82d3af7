"""Work that must follow a commit (send mail, enqueue a run, erase), registered by operations.

An operation calls `after_commit(fn)`; `fn` runs once the session's transaction commits,
whoever commits it, in an app context (and so a session) of its own. A rollback forgets it:
nothing is sent for a change that never happened. Like Django's `transaction.on_commit`.
"""

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from compliance.db import db

log = logging.getLogger(__name__)
_KEY = "fairscreen.after_commit"


def after_commit(action: Callable[[], object]) -> None:
    """Run `action` after the current transaction commits; forget it if it rolls back."""
    app = current_app._get_current_object()
    db.session().info.setdefault(_KEY, []).append((app, action))


def pending() -> list[Callable[[], object]]:
    """Return the actions waiting for the current transaction's commit (for tests)."""
    return [action for _app, action in db.session().info.get(_KEY, [])]


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    for app, action in session.info.pop(_KEY, []):
        # A fresh app context gives the action its own session: this one has just committed
        # and may not emit SQL from inside its own commit hook.
        with app.app_context():
            try:
                action()
            except Exception as error:  # the change is committed; a failed follow-up is logged
                log.error("after-commit action failed: %s", type(error).__name__)
                db.session.rollback()


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:  # a savepoint's rollback leaves the rest to commit
        session.info.pop(_KEY, None)
