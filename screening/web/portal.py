"""The candidate's pages, reached by single-purpose links: consent, and the portal."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, format_decimal, format_number, format_time
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from compliance import consent, outbox, policy, rights, tokens
from compliance.audit import AuditAction, record
from compliance.consent import SourceAnswer
from compliance.db import db
from compliance.tokens import Purpose
from compliance.validation import load_form
from compliance.web import limiter
from screening import case, expiry
from screening.accounts import check_account, example_hint
from screening.findings import (
    add_context,
    comment_window_open,
    context_heard,
    findings_of,
    read_findings,
    waive_comment_window,
    window_closes_at,
)
from screening.labels import (
    case_error_message,
    decision_label,
    failure_label,
    requested_right_label,
    source_error_message,
    source_label,
)
from screening.lifecycle import Action, CaseError, CaseState, allowed
from screening.models import Candidate
from screening.notices import consent_notice, talent_pool_notice
from screening.reports import access_report_pdf
from screening.runs import (
    EXPORT_KINDS,
    PUBLIC_KINDS,
    ConsentMissing,
    RunStatus,
    latest_done_run,
    latest_run,
    missing_sources,
    process_export,
)
from screening.schemas import ObjectionSchema
from screening.sources import (
    AccountError,
    ArchiveLimits,
    SourceError,
    SourceKind,
    normalise_account,
)
from screening.sources.archives import MB
from screening.sources.text import MAX_POST_CHARS
from screening.tallies import summarise

bp = Blueprint("portal", __name__)
MAX_CONTEXT = policy.CONTEXT_MAX_CHARS
# Slow down anyone trying tokens; a real candidate never comes close.
limiter.limit(lambda: current_app.config["PORTAL_RATE_LIMIT"])(bp)


def _candidate(raw: str, purpose: Purpose) -> Candidate:
    """Resolve a link to its one candidate; anything else is a plain 404."""
    token = tokens.resolve(raw, purpose)
    candidate = token and db.session.scalar(
        db.select(Candidate).where(Candidate.subject_id == token.subject_id))
    if not candidate:
        raise DeadLink(raw)
    g.locale_override = candidate.language
    if purpose == Purpose.PORTAL:
        g.portal_home = url_for("portal.home", token=raw)
    return candidate


class DeadLink(NotFound):
    """A candidate link that opens nothing (any more): screening.web.portal_links answers it
    with a page that offers a fresh link."""

    def __init__(self, raw: str) -> None:
        super().__init__()
        self.raw = raw


@bp.route("/consent/<token>", methods=["GET", "POST"])
def consent_page(token: str):
    candidate = _candidate(token, Purpose.CONSENT)
    if not allowed(candidate, Action.AGREE):
        raise DeadLink(token)  # answered already: the portal link in the e-mail goes on
    sections, _notice = consent_notice(candidate)
    kinds = [k for k in candidate.vacancy.allowed_sources]
    errors, values = {}, {}
    if request.method == "POST":
        answers, errors, values = _read_answers(kinds)
        unchecked = [] if errors else _unanswered(answers, errors)
        if not errors:
            try:
                agreed = case.answer_consent(candidate, answers,
                                             talent_pool="talent_pool" in request.form)
            except CaseError:
                abort(409)
            kept = not agreed and _kept(candidate)
            # The answer and the link that opens the portal commit together: one step, all
            # or nothing, should the database drop out in between.
            portal = agreed and tokens.issue(candidate.subject, Purpose.PORTAL,
                                             case.PORTAL_LIFETIME)
            db.session.commit()  # a decline is erased as this commits
            if not agreed:
                return render_template("candidate/done.html", declined=True, kept=kept)
            return redirect(url_for("portal.home", token=portal))
    else:
        unchecked = []
    return render_template("candidate/consent.html", candidate=candidate, sections=sections,
                           kinds=kinds, source_label=source_label, errors=errors, values=values,
                           unchecked=unchecked,
                           talent_pool_text=talent_pool_notice(candidate).text,
                           examples={k: example_hint(k) for k in kinds if k in PUBLIC_KINDS},
                           exports=EXPORT_KINDS), 422 if errors else 200


def _unanswered(answers: list[SourceAnswer], errors: dict) -> list[str]:
    """Check that each agreed account answers, unless the candidate chose to keep it as typed;
    put a field message on each that does not, and return their kinds."""
    unchecked = []
    for answer in answers:
        if not answer.given or SourceKind(answer.kind) not in PUBLIC_KINDS \
                or request.form.get(f"keep-{answer.kind}"):
            continue
        failure = check_account(answer.kind, answer.account or "")
        if failure is not None:
            errors[f"account-{answer.kind}"] = _(
                "We could not read this account: %(reason)s. Correct it, or tick the box to "
                "keep it as you typed it.", reason=failure_label(failure))
            unchecked.append(answer.kind)
    return unchecked


def _read_answers(kinds: list[str], *, only_given: bool = False):
    answers, errors, values = [], {}, request.form.to_dict()
    for kind in kinds:
        given = only_given or request.form.get(f"agree-{kind}") == "yes"
        account = request.form.get(f"account-{kind}", "").strip()
        if given and SourceKind(kind) in PUBLIC_KINDS:
            try:
                account = normalise_account(SourceKind(kind), account)
            except AccountError as error:
                errors[f"account-{kind}"] = source_error_message(error)
                continue
        answers.append(SourceAnswer(kind=kind, account=account if given else None, given=given))
    if request.form.get("decline_all"):
        answers = [SourceAnswer(kind=k, account=None, given=False) for k in kinds]
        errors = {}
    return answers, errors, values


def _kept(candidate: Candidate) -> bool:
    """Tell whether the case has ended but a legal hold keeps its data until it is released."""
    return candidate.state == CaseState.ERASED and rights.held(candidate.subject) is not None


@bp.get("/portal/<token>")
def home(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    return _home(candidate, token, {}, {})


def _portal_page(candidate: Candidate, token: str, errors: dict | None = None, status: int = 200,
                 values: dict | None = None):
    return _home(candidate, token, errors or {}, values or {}, status)


def _home(candidate: Candidate, token: str, errors: dict, values: dict,
          status: int | None = None):
    last, accounts = latest_run(candidate), consent.current(candidate.subject)
    failed = last is not None and last.error == "all_sources_failed"
    # A failed run changes nothing: the results shown are those of the last run that had any.
    run = latest_done_run(candidate, last) or last
    findings = read_findings(candidate, actor="candidate")  # journalled as the page leaves
    # Forms are offered only where the case still allows what they do.
    can_screen = allowed(candidate, Action.SCREEN)
    closes = window_closes_at(candidate)
    erase_on = candidate.subject.erase_after
    return render_template(
        "candidate/portal.html", candidate=candidate, token=token, run=run,
        findings=findings, source_label=source_label,
        failure_label=failure_label, last=last, decision_label=decision_label,
        totals=summarise(run.counts) if run and run.status == RunStatus.DONE else None,
        accounts=accounts, failed=failed, can_correct=failed and can_screen,
        can_comment=context_heard(candidate),
        missing=[source_label(k) for k in missing_sources(run)] if run else [],
        correctable=[k for k in accounts if k in PUBLIC_KINDS],
        examples={k: example_hint(k) for k in accounts if k in PUBLIC_KINDS},
        accounts_url=url_for("portal.accounts", token=token)
        if can_screen and not failed and any(k in PUBLIC_KINDS for k in accounts) else None,
        window_open=comment_window_open(candidate), window_closes=_moment(closes),
        exports=[(k, source_label(k)) for k in EXPORT_KINDS if k in accounts] if can_screen
        else [],
        decided_on=format_date(candidate.decided_at, "long") if candidate.decided_at else None,
        erase_on=format_date(erase_on, "long") if erase_on else None, kept=_kept(candidate),
        pending=[{"right": requested_right_label(r.right),
                  "received": format_date(r.received_at, "long"),
                  "due": format_date(r.due_at, "long")} for r in rights.pending(candidate.subject)],
        upload_hint=upload_limits_text(), errors=errors, values=values,
        in_talent_pool=expiry.in_talent_pool(candidate),
        talent_pool_url=url_for("portal.talent_pool", token=token)
        if expiry.in_talent_pool(candidate) else None), status or (422 if errors else 200)


def _moment(when) -> dict[str, str] | None:
    """Give a moment as the candidate reads it: a long date and a short time, in their language."""
    if when is None:
        return None
    return {"date": format_date(when, "long"), "time": format_time(when, "short")}


@bp.post("/portal/<token>/findings/<int:finding_id>/context")
def context(token: str, finding_id: int):
    candidate = _candidate(token, Purpose.PORTAL)
    finding = next((f for f in findings_of(candidate) if f.id == finding_id), None)
    if finding is None:
        abort(404)
    text = request.form.get("context", "").strip()
    if not text or len(text) > MAX_CONTEXT:
        flash(_("Write between 1 and %(n)s characters of context.", n=MAX_CONTEXT))
        return redirect(url_for("portal.home", token=token))
    try:
        add_context(candidate, finding, text)
    except CaseError:
        db.session.rollback()
        flash(_("The decision has been made, so context can no longer be added."))
        return redirect(url_for("portal.home", token=token))
    db.session.commit()
    flash(_("Your context is saved. The recruiter sees it beside the finding."))
    return redirect(url_for("portal.home", token=token))


@bp.post("/portal/<token>/waive")
def waive(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    try:
        waive_comment_window(candidate)
    except CaseError:
        db.session.rollback()
        flash(_("The decision has been made, so context can no longer be added."))
        return redirect(url_for("portal.home", token=token))
    db.session.commit()
    flash(_("You have said you do not want to add context."))
    return redirect(url_for("portal.home", token=token))


@bp.route("/portal/<token>/withdraw", methods=["GET", "POST"])
def withdraw(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    if request.method == "GET":
        return render_template("candidate/withdraw.html", token=token, candidate=candidate)
    try:
        kept = case.withdraw(candidate, method="portal")
    except CaseError:
        db.session.rollback()
        abort(404)  # already ended: nothing is left to withdraw
    db.session.commit()  # the case is erased as this commits, unless a legal hold keeps it
    return render_template("candidate/done.html", withdrawn=True, kept=kept)


@bp.route("/portal/<token>/talent-pool", methods=["GET", "POST"])
def talent_pool(token: str):
    """The candidate renews their talent-pool consent for a year, or declines it."""
    candidate = _candidate(token, Purpose.PORTAL)
    if not expiry.in_talent_pool(candidate):
        abort(404)
    if request.method == "GET":
        return render_template("candidate/talent_pool.html", token=token, candidate=candidate,
                               text=talent_pool_notice(candidate).text,
                               ends=format_date(candidate.subject.erase_after, "long"))
    answer = request.form.get("answer")
    if answer not in ("renew", "decline"):
        abort(400)
    try:
        expiry.renew_talent_pool(candidate, renew=answer == "renew")
    except LookupError:
        db.session.rollback()
        abort(404)
    kept = answer == "decline" and _kept(candidate)
    db.session.commit()  # a decline is erased as this commits
    if answer == "decline":
        return render_template("candidate/done.html", erased=True, kept=kept)
    flash(_("Thank you: we keep your data in the talent pool for another year."))
    return redirect(url_for("portal.home", token=token))


# The two requests that end the case, each behind its own confirmation page.
ERASING_RIGHTS = {r.value: r for r in rights.ERASING}


def _erasing_right(value: str) -> rights.Right:
    if value not in ERASING_RIGHTS:
        abort(404)
    return ERASING_RIGHTS[value]


@bp.get("/portal/<token>/rights/<right>")
def confirm_right(token: str, right: str):
    """Say what an erasure or objection does before the candidate asks for it."""
    candidate = _candidate(token, Purpose.PORTAL)
    chosen = _erasing_right(right)
    if not allowed(candidate, Action.ERASE):
        abort(404)
    return _confirm_page(candidate, token, chosen, {}, {})


def _confirm_page(candidate: Candidate, token: str, right: rights.Right, errors: dict,
                  values: dict):
    return render_template("candidate/confirm_right.html", candidate=candidate, token=token,
                           right=right.value, errors=errors, values=values,
                           max_grounds=format_number(policy.OBJECTION_GROUNDS_MAX_CHARS)
                           ), 422 if errors else 200


@bp.post("/portal/<token>/rights")
def request_right(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    right = _erasing_right(request.form.get("right", ""))
    if request.form.get("confirm") != "yes":
        # Not sent from the confirmation page (an old form, a stray click): nothing is erased.
        return redirect(url_for("portal.confirm_right", token=token, right=right.value), 303)
    details = None
    if right == rights.Right.OBJECTION:
        data, errors = load_form(ObjectionSchema(), request.form)
        if errors:
            return _confirm_page(candidate, token, right, errors, request.form.to_dict())
        details = data["grounds"]
    try:
        rights_request = case.request_right(candidate, right, details=details)
    except CaseError:
        db.session.rollback()
        abort(404)
    status, due_at = rights_request.status, rights_request.due_at
    db.session.commit()  # an erasure or objection is carried out as this commits
    if status == rights.RequestStatus.ON_HOLD:
        flash(_("Your request is registered. Legal counsel must look at it first; you get an "
                "answer before %(date)s.", date=format_date(due_at, "long")))
        return redirect(url_for("portal.home", token=token))
    return render_template("candidate/done.html", erased=True)


@bp.get("/portal/<token>/access")
def access_report(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    data = candidate_data(candidate)
    _record_access(candidate, "html")
    run = latest_run(candidate)
    return render_template("candidate/access.html", candidate=candidate, token=token,
                           data=data, run=run, source_label=source_label,
                           totals=summarise(run.counts) if run else None)


@bp.get("/portal/<token>/data.json")
def data_copy(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    data = candidate_data(candidate)
    _record_access(candidate, "json")
    body = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="fairscreen-my-data.json"'})


def _record_access(candidate: Candidate, form: str) -> None:
    record(AuditAction.DATA_ACCESSED, actor="candidate", subject=candidate.subject,
           objects={"candidate": candidate.id}, form=form)
    db.session.commit()


def candidate_data(candidate: Candidate) -> dict:
    """Everything held about the candidate, for the access report and the portable copy."""
    return {
        "candidate": {"name": candidate.name, "email": candidate.email,
                      "language": candidate.language, "state": candidate.state.value,
                      "decision": candidate.decision.value if candidate.decision else None,
                      "decision_reasons": candidate.decision_reasons},
        "vacancy": {"id": candidate.vacancy_id, "title": candidate.vacancy.title},
        "consents": [{"at": r.at.isoformat(), "purpose": r.purpose.value,
                      "source": r.source_kind, "account": r.account,
                      "decision": r.decision.value, "notice_version": r.notice_version,
                      "method": r.method} for r in consent.history(candidate.subject)],
        "findings": [{"source": f.source_kind, "account": f.account, "url": f.url,
                      "published": f.published.isoformat(), "excerpt": f.excerpt,
                      "matched": f.matched, "context": f.context}
                     for f in read_findings(candidate, actor="candidate")],
        "rights_requests": [{"right": r.right.value, "received": r.received_at.isoformat(),
                             "due": r.due_at.isoformat(), "status": r.status.value,
                             "details": r.details} for r in rights.pending(candidate.subject)],
        "messages": [{"at": m.created_at.isoformat(), "kind": m.kind, "title": m.title}
                     for m in outbox.for_subject(candidate.subject)],
        "erase_after": candidate.subject.erase_after.isoformat()
        if candidate.subject.erase_after else None,
    }




@bp.post("/portal/<token>/upload")
def upload(token: str):
    candidate = _candidate(token, Purpose.PORTAL)
    kind, upload = request.form.get("kind", ""), request.files.get("export")
    if upload is None or not upload.filename:
        return _portal_page(candidate, token, {"export": _("Choose the export file to upload.")},
                            422, {"kind": kind})
    try:
        run = process_export(candidate, kind, upload.filename, upload.read())
    except ConsentMissing:
        db.session.rollback()
        abort(404)
    except CaseError as error:
        db.session.rollback()
        flash(_("Your export cannot be read now: %(reason)s", reason=case_error_message(error, {})))
        return redirect(url_for("portal.home", token=token))
    except SourceError as error:
        db.session.rollback()
        message = _("The export could not be read: %(reason)s",
                    reason=source_error_message(error))
        return _portal_page(candidate, token, {"export": message}, 422, {"kind": kind})
    db.session.commit()
    flash(_("Your export was read. What bears on the job is shown below; the file was not kept."))
    for name in run.progress[kind].get("skipped", []):
        flash(_("%(file)s in your export could not be read, so it was left out; your posts "
                "were read without it.", file=name))
    return redirect(url_for("portal.home", token=token))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """Tell the candidate the limit beside the upload field, not on a bare error page."""
    token = (request.view_args or {}).get("token", "")
    link = tokens.resolve(token, Purpose.PORTAL) if request.endpoint == "portal.upload" else None
    candidate = link and db.session.scalar(
        db.select(Candidate).where(Candidate.subject_id == link.subject_id))
    if candidate:
        g.locale_override = candidate.language
        g.portal_home = url_for("portal.home", token=token)
    message = _("This file is larger than %(upload)s MB, the most you can upload here.",
                upload=_megabytes(current_app.config["MAX_CONTENT_LENGTH"]))
    if not candidate:
        return render_template("candidate/error.html", title=_("The upload is too large"),
                               message=message), 413
    return _portal_page(candidate, token, {"export": message}, 413)


def upload_limits_text() -> str:
    """State the upload budget in the candidate's words, from the same settings that enforce it."""
    limits = ArchiveLimits.from_config(current_app.config)
    return _("Files up to %(upload)s MB. A ZIP file may unpack to at most %(unpacked)s MB in at "
             "most %(entries)s files, and to no more than %(ratio)s times its own size; only "
             "the text files in it are unpacked, not photos or videos. If your export is larger, "
             "upload just its text file (for X: data/tweets.js). Of a post longer than "
             "%(chars)s characters, the first %(chars)s are read, up to the last whole word.",
             upload=_megabytes(limits.max_upload), unpacked=_megabytes(limits.max_total),
             entries=format_number(limits.max_entries), ratio=format_number(limits.max_ratio),
             chars=format_number(MAX_POST_CHARS))


def _megabytes(size: int) -> str:
    return format_decimal(round(size / MB, 1))


@bp.get("/portal/<token>/access.pdf")
def access_report_download(token: str):
    """Hand the candidate their signed access report (Art. 15) as a PDF."""
    candidate = _candidate(token, Purpose.PORTAL)
    pdf = access_report_pdf(candidate, actor="candidate")
    db.session.commit()
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="fairscreen-access-report.pdf"'})
