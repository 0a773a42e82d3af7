"""The `flask case ...` commands: a case's state and moves, through the same operations."""

import click
from flask.cli import AppGroup
from werkzeug.exceptions import HTTPException

from compliance.accounts import Role, find_user
from compliance.db import db
from screening import access
from screening.candidates import decide
from screening.case import request_consent
from screening.expiry import run_expiry
from screening.lifecycle import Action, CaseError, IllegalTransition, allowed
from screening.models import Candidate, Decision
from screening.runs import ConsentMissing, queue_run

case_cli = AppGroup("case", help="Follow and move candidates' cases.")
AS_USER = click.option("--as", "email", required=True, help="The recruiter acting (e-mail).")


def _case(candidate_id: int, email: str | None) -> tuple[Candidate, object]:
    """Find the case as the acting recruiter may see it; a plain message otherwise."""
    if email is None:
        candidate = db.session.get(Candidate, candidate_id)
        if candidate is None:
            raise click.ClickException(f"No candidate {candidate_id}.")
        return candidate, "system"
    user = find_user(email)
    if user is None or not user.active or user.role != Role.RECRUITER:
        raise click.ClickException("Act as an active recruiter.")
    try:
        return access.get_candidate(user, candidate_id), user
    except HTTPException as error:
        raise click.ClickException(f"No candidate {candidate_id} for this recruiter.") from error


def _refused(error: CaseError) -> click.ClickException:
    db.session.rollback()
    if isinstance(error, IllegalTransition):
        return click.ClickException(f"A case in the state {error.state.value} cannot "
                                    f"{error.action.value.replace('_', ' ')}.")
    if error.code == "comment_window":
        return click.ClickException("The candidate's comment window is open until "
                                    f"{error.facts['closes']:%Y-%m-%d %H:%M} UTC: a rejection "
                                    "must wait.")
    if error.code == "reasons":
        return click.ClickException("A rejection must give its reasons (--reasons, at most "
                                    f"{error.facts['max_chars']} characters): the candidate "
                                    "reads them.")
    return click.ClickException(f"Refused: {error.code}.")


@case_cli.command("show")
@click.argument("candidate_id", type=int)
def show_command(candidate_id: int) -> None:
    """Print a case's state and what it allows now (no personal data)."""
    candidate, _actor = _case(candidate_id, None)
    moves = ", ".join(a.value for a in Action if allowed(candidate, a)) or "nothing"
    click.echo(f"candidate {candidate.id}\tvacancy {candidate.vacancy_id}\t"
               f"{candidate.state.value}\tallows: {moves}")


@case_cli.command("ask")
@click.argument("candidate_id", type=int)
@AS_USER
def ask_command(candidate_id: int, email: str) -> None:
    """Send the candidate the consent request."""
    candidate, user = _case(candidate_id, email)
    try:
        request_consent(candidate, actor=user)
    except CaseError as error:
        raise _refused(error) from error
    db.session.commit()
    click.echo(f"candidate {candidate_id}: consent requested.")


@case_cli.command("screen")
@click.argument("candidate_id", type=int)
@AS_USER
def screen_command(candidate_id: int, email: str) -> None:
    """Queue a screening run over the sources the candidate agreed to."""
    candidate, user = _case(candidate_id, email)
    try:
        run = queue_run(candidate, actor=user)
    except CaseError as error:
        raise _refused(error) from error
    except ConsentMissing as error:
        db.session.rollback()
        raise click.ClickException("The candidate has not agreed to any source that can be "
                                   "fetched.") from error
    run_id = run.id
    db.session.commit()
    click.echo(f"candidate {candidate_id}: run {run_id} queued.")


@case_cli.command("decide")
@click.argument("candidate_id", type=int)
@click.argument("decision", type=click.Choice([d.value for d in Decision]))
@click.option("--reasons", default=None, help="Why; required for a rejection.")
@AS_USER
def decide_command(candidate_id: int, decision: str, reasons: str | None, email: str) -> None:
    """Record the decision on a case; a rejection gives its reasons."""
    candidate, user = _case(candidate_id, email)
    try:
        decide(candidate, Decision(decision), actor=user, reasons=reasons)
    except CaseError as error:
        raise _refused(error) from error
    db.session.commit()
    click.echo(f"candidate {candidate_id}: {decision}.")


@case_cli.command("expire")
def expire_command() -> None:
    """Remind on day 11, expire requests unanswered for 14 days (their cases are erased), ask
    talent-pool candidates to renew before their year ends, and end the pools that ran out."""
    counts = run_expiry()
    db.session.commit()
    click.echo(f"{counts['reminded']} reminders sent, {counts['expired']} unanswered requests "
               f"expired, {counts['renewal_asked']} talent-pool renewals asked, "
               f"{counts['pool_lapsed']} talent pools ended.")
