"""The candidate's accounts in the portal: see each one, correct it or remove it between runs."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from compliance import consent
from compliance.consent import SourceAnswer
from compliance.db import db
from compliance.tokens import Purpose
from screening import case
from screening.accounts import check_account, example_hint, remove_account
from screening.labels import case_error_message, failure_label, source_label
from screening.lifecycle import Action, CaseError, allowed
from screening.models import Candidate
from screening.runs import PUBLIC_KINDS
from screening.sources import AccountError, SourceKind, normalise_account
from screening.web.portal import _candidate, bp


def _accounts(candidate: Candidate) -> dict[str, str]:
    return {kind: account or "" for kind, (account, _g) in
            consent.current(candidate.subject).items() if kind in PUBLIC_KINDS}


def _page(candidate: Candidate, token: str, errors: dict, values: dict, unchecked=(),
          status: int = 200):
    accounts = _accounts(candidate)
    fields = [{"kind": kind, "name": f"account-{kind}", "label": source_label(kind),
               "hint": example_hint(kind), "keep": kind in unchecked,
               "remove": url_for("portal.remove_account", token=token, kind=kind)}
              for kind in accounts]
    return render_template(
        "candidate/accounts.html", candidate=candidate, token=token, fields=fields,
        errors=errors, values={**{f"account-{k}": a for k, a in accounts.items()}, **values},
        can_change=allowed(candidate, Action.SCREEN), removable=len(consent.current(
            candidate.subject)) > 1), status


REFUSALS = {
    "last_account": lambda: _("This is your only account. To stop the screening altogether, "
                              "withdraw your agreement."),
    "not_agreed": lambda: _("This account is not part of your agreement."),
}


def _not_now(token: str):
    flash(_("Your accounts cannot be changed now: a screening is under way, or the decision "
            "has been made."))
    return redirect(url_for("portal.home", token=token))


@bp.get("/portal/<token>/accounts")
def accounts(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    return _page(candidate, token, {}, {})


@bp.post("/portal/<token>/accounts")
def correct_accounts(token: str):
    """Correct accounts before the first run or between runs; each new one is checked first."""
    candidate = _candidate(token, Purpose.PORTAL)
    if not allowed(candidate, Action.SCREEN):
        return _not_now(token)
    current = _accounts(candidate)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    answers, errors, unchecked = [], {}, []
    for kind, account in current.items():
        typed = request.form.get(f"account-{kind}", "").strip()
        if not typed or typed == account:
            continue
        try:
            typed = normalise_account(SourceKind(kind), typed)
        except AccountError as error:
            errors[f"account-{kind}"] = error.message
            continue
        if typed == account:
            continue
        failure = None if request.form.get(f"keep-{kind}") else check_account(kind, typed)
        if failure is not None:
            errors[f"account-{kind}"] = _(
                "We could not read this account: %(reason)s. Correct it, or tick the box to "
                "keep it as you typed it.", reason=failure_label(failure))
            unchecked.append(kind)
            continue
        answers.append(SourceAnswer(kind=kind, account=typed, given=True))
    if not answers and not errors:
        errors = {"form": _("Change at least one account, or go back to your page.")}
    if errors:
        return _page(candidate, token, errors, values, unchecked, 422)
    try:
        case.correct_accounts(candidate, answers)
    except CaseError as error:
        db.session.rollback()
        flash(case_error_message(error, REFUSALS))
        return redirect(url_for("portal.home", token=token))
    db.session.commit()
    flash(_("Your accounts are corrected. The recruiter can now screen them again."))
    return redirect(url_for("portal.home", token=token))


@bp.post("/portal/<token>/accounts/<kind>/remove", endpoint="remove_account")
def remove_account_view(token: str, kind: str):
    """Stop the screening of one account; what was found in it is erased."""
    candidate = _candidate(token, Purpose.PORTAL)
    if not allowed(candidate, Action.SCREEN):
        return _not_now(token)
    try:
        remove_account(candidate, kind)
    except CaseError as error:
        db.session.rollback()
        flash(case_error_message(error, REFUSALS))
        return redirect(url_for("portal.accounts", token=token))
    db.session.commit()
    flash(_("%(source)s is removed: it is no longer looked at, and what was found in it is "
            "erased.", source=source_label(kind)))
    return redirect(url_for("portal.home", token=token))
