"""The periodic task that expires unanswered consent requests (and so erases their cases)."""

from huey import crontab

from compliance.db import db
from compliance.queue import periodic
from screening.case import expire_unanswered


@periodic("case.expire", crontab(minute="*/15"))
def expire_task() -> int:
    """Expire what is due four times an hour, before the retention sweep gets to it."""
    count = expire_unanswered()
    db.session.commit()
    return count
