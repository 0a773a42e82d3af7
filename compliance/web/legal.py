"""Legal counsel's pages: the audit log, the chain's integrity, and erasures to come.

Only the `legal` role gets in; administrators see no personal data, and these pages show none:
subjects appear by number and pseudonym, events by ids and counts.
"""

from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from compliance import audit_labels, checkpoints, legal_views, read_journal, witness
from compliance.accounts import Role
from compliance.audit import AuditAction
from compliance.db import db, utcnow
from compliance.verify import Report, verify_and_record
from compliance.web.gates import roles_only

bp = Blueprint("legal", __name__, url_prefix="/legal")
VACANCY_OPTIONS = "fairscreen.vacancy_options"

ACTION_LABELS = {
    AuditAction.LOGIN_SUCCEEDED: _l("Login succeeded"),
    AuditAction.LOGIN_FAILED: _l("Login failed"),
    AuditAction.LOGOUT: _l("Logout"),
    AuditAction.ACCESS_DENIED: _l("Access denied"),
    AuditAction.USER_CREATED: _l("User created"),
    AuditAction.USER_UPDATED: _l("User changed"),
    AuditAction.SETTINGS_UPDATED: _l("Settings changed"),
    AuditAction.VACANCY_CREATED: _l("Vacancy created"),
    AuditAction.VACANCY_UPDATED: _l("Vacancy changed"),
    AuditAction.CANDIDATE_CREATED: _l("Candidate added"),
    AuditAction.CANDIDATE_UPDATED: _l("Candidate changed"),
    AuditAction.CANDIDATE_DECIDED: _l("Decision recorded"),
    AuditAction.CONSENT_REQUESTED: _l("Agreement requested"),
    AuditAction.CONSENT_GIVEN: _l("Agreement given"),
    AuditAction.CONSENT_DECLINED: _l("Agreement declined"),
    AuditAction.CONSENT_WITHDRAWN: _l("Agreement withdrawn"),
    AuditAction.CONSENT_EXPIRED: _l("Request for agreement expired"),
    AuditAction.SCREENING_STARTED: _l("Screening started"),
    AuditAction.SCREENING_COMPLETED: _l("Screening completed"),
    AuditAction.SCREENING_FAILED: _l("Screening failed"),
    AuditAction.FINDINGS_VIEWED: _l("Findings viewed"),
    AuditAction.NOTIFICATION_SENT: _l("Notification sent"),
    AuditAction.RIGHTS_REQUESTED: _l("Rights request received"),
    AuditAction.RIGHTS_RESOLVED: _l("Rights request resolved"),
    AuditAction.SUBJECT_ERASED: _l("Data subject erased"),
    AuditAction.RETENTION_SWEPT: _l("Retention sweep"),
    AuditAction.AUDIT_EXPORTED: _l("Audit log exported"),
    AuditAction.AUDIT_VERIFIED: _l("Audit log verified"),
    AuditAction.KEYS_ROTATED: _l("Keys rotated"),
    AuditAction.SCREENING_QUEUED: _l("Screening queued"),
    AuditAction.SCREENING_STOPPED: _l("Screening stopped"),
    AuditAction.CONTEXT_ADDED: _l("Context added to a finding"),
    AuditAction.COMMENT_WINDOW_WAIVED: _l("Comment window waived"),
    AuditAction.EXPORT_UPLOADED: _l("Data export uploaded"),
    AuditAction.DATA_ACCESSED: _l("Candidate read their data"),
    AuditAction.NOTIFICATION_FAILED: _l("Notification failed"),
    AuditAction.REPORT_REQUESTED: _l("Report requested"),
    AuditAction.REPORT_GENERATED: _l("Report generated"),
    AuditAction.REPORT_DOWNLOADED: _l("Report downloaded"),
    AuditAction.API_TOKEN_CREATED: _l("API token created"),
    AuditAction.API_TOKEN_REVOKED: _l("API token revoked"),
    AuditAction.PERSONAL_DATA_VIEWED: _l("Personal data viewed by staff"),
    AuditAction.AUDIT_HEAD_SENT: _l("Signed audit head sent to the DPO"),
    AuditAction.SESSIONS_ENDED: _l("Logged out everywhere"),
    AuditAction.CASE_MOVED: _l("Case moved to a new state"),
    AuditAction.CONSENT_REMINDED: _l("Reminder sent before the request expires"),
    AuditAction.TALENT_POOL_RENEWAL_ASKED: _l("Talent-pool consent renewal asked"),
    AuditAction.RIGHTS_EXTENDED: _l("Rights request deadline extended"),
    AuditAction.LEGAL_HOLD_PLACED: _l("Legal hold placed"),
    AuditAction.LEGAL_HOLD_RELEASED: _l("Legal hold released"),
    AuditAction.INVITATION_SENT: _l("Staff member invited"),
    AuditAction.INVITATION_ACCEPTED: _l("Invitation accepted"),
    AuditAction.INVITATION_REVOKED: _l("Invitation revoked"),
    AuditAction.PASSWORD_RESET_REQUESTED: _l("Password reset requested"),
    AuditAction.PASSWORD_RESET: _l("Password reset"),
    AuditAction.SECOND_FACTOR_ENROLLED: _l("Second factor set up"),
    AuditAction.SECOND_FACTOR_REMOVED: _l("Second factor removed"),
    AuditAction.SECOND_FACTOR_FAILED: _l("Wrong second-factor code"),
    AuditAction.RECOVERY_CODE_USED: _l("Recovery code used"),
    AuditAction.RECOVERY_CODES_RENEWED: _l("New recovery codes made"),
    AuditAction.LINK_REQUESTED: _l("Fresh link asked for by the candidate"),
}
# Actors that are not staff: a candidate is never named, only called the candidate.
ACTOR_LABELS = {"system": _l("System"), "candidate": _l("The candidate")}
ROLE_LABELS = audit_labels.ROLES
REASON_LABELS = audit_labels.REASONS


def provide_vacancies(app, options: Callable[[], list[tuple[int, str]]]) -> None:
    """Let the product name its vacancies for the audit filter (compliance cannot look)."""
    app.extensions[VACANCY_OPTIONS] = options


roles_only(bp, Role.LEGAL)


@bp.get("/")
def index():
    return redirect(url_for("legal.audit_log"))


def _date_arg(name: str, errors: dict) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD.")
        return None


def _zone() -> ZoneInfo:
    """The instance's time zone, the one the page shows times in (Babel's is a pytz zone, whose
    offsets are wrong when combined with a date; the standard library's by its name is not)."""
    return ZoneInfo(str(get_timezone()))


def _read_filter() -> tuple[legal_views.AuditFilter, dict]:
    errors: dict[str, str] = {}
    chosen = legal_views.AuditFilter(since=_date_arg("since", errors),
                                     until=_date_arg("until", errors), zone=_zone())
    action = request.args.get("action", "")
    if action:
        if action in {a.value for a in AuditAction}:
            chosen.action = AuditAction(action)
        else:
            errors["action"] = _("Choose one of the options.")
    actor = request.args.get("actor", "")
    if actor:
        if actor in ACTOR_LABELS or legal_views.staff_actor(actor) is not None:
            chosen.actor = actor
        else:
            errors["actor"] = _("Choose one of the options.")
    vacancy = request.args.get("vacancy", "")
    if vacancy:
        if vacancy.isdigit():
            chosen.vacancy = int(vacancy)
        else:
            errors["vacancy"] = _("Choose one of the options.")
    return chosen, errors


@bp.get("/audit")
def audit_log():
    read_journal.fold()  # counsel sees every read so far, chained, not only those folded yet
    chosen, errors = _read_filter()
    page = legal_views.paginate(chosen.query(), request.args.get("page", 1, type=int))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    vacancies = current_app.extensions.get(VACANCY_OPTIONS, list)()
    staff = legal_views.staff()
    names = {f"user:{user.id}": user.name for user in staff}
    return render_template(
        "legal/audit.html", page=page, errors=errors, values=request.args,
        zone=str(chosen.zone),
        actions=[("", _("All actions"))] + sorted(
            ((a.value, ACTION_LABELS[a]) for a in AuditAction), key=lambda o: str(o[1])),
        actors=[("", _("All actors"))] + list(ACTOR_LABELS.items())
        + [(f"user:{u.id}", f"{u.name} ({ROLE_LABELS[u.role]})") for u in staff],
        vacancies=[("", _("All vacancies"))] + [(str(i), t) for i, t in vacancies],
        label=lambda action: ACTION_LABELS.get(action, action),
        actor_name=lambda actor: names.get(actor) or ACTOR_LABELS.get(actor, actor),
        readable=audit_labels.readable,
        prev_url=url_for("legal.audit_log", page=page.number - 1, **args)
        if page.number > 1 else None,
        next_url=url_for("legal.audit_log", page=page.number + 1, **args)
        if page.number < page.pages else None,
    ), 422 if errors else 200


@bp.get("/integrity")
def integrity():
    return _integrity_page()


def _integrity_page(errors: dict | None = None, values: dict | None = None,
                    witnessed: Report | None = None, status: int = 200):
    events, head_hash = legal_views.chain_head()
    return render_template(
        "legal/integrity.html", events=events, head_hash=head_hash,
        verification=legal_views.last_verification(),
        checkpoints=legal_views.recent_checkpoints(),
        every=current_app.config["AUDIT_CHECKPOINT_EVERY"],
        minutes=current_app.config["AUDIT_CHECKPOINT_MINUTES"],
        witness_file=bool(current_app.config.get(witness.WITNESS_FILE)),
        errors=errors or {}, values=values or {}, witnessed=witnessed,
    ), status


@bp.post("/integrity/witness")
def verify_witnessed():
    """Check the log against heads counsel kept: pasted text, or an uploaded witness file,
    export, PDF report or saved digest."""
    pasted, upload = request.form.get("heads", ""), request.files.get("witness")
    sources = {"heads": pasted.encode()} if pasted.strip() else {}
    if upload is not None and upload.filename:
        sources["witness"] = upload.read()
    if not sources:
        return _integrity_page({"heads": _("Paste signed heads or choose a file.")},
                               request.form, status=422)
    heads, errors = [], {}
    for field, data in sources.items():
        try:
            found = witness.heads_in(data)
        except witness.WitnessError:
            found = []
        if not found:
            errors[field] = _("No signed audit head found here: paste lines that start with "
                              "fairscreen-audit-head, or choose a witness file, an audit "
                              "export or a PDF report.")
        heads += found
    if errors:
        return _integrity_page(errors, request.form, status=422)
    report = verify_and_record(checkpoints.instance_public_key(), actor=current_user,
                               heads=heads)
    db.session.commit()
    return _integrity_page(values=request.form, witnessed=report)


@bp.post("/integrity/verify")
def verify_now():
    report = verify_and_record(checkpoints.instance_public_key(), actor=current_user)
    db.session.commit()
    if report.ok:
        flash(_("The audit log is intact: %(events)d events and %(checkpoints)d checkpoints "
                "verified.", events=report.events, checkpoints=report.checkpoints))
    else:
        flash(_("The audit log FAILED verification at event %(seq)s.", seq=report.bad_seq))
    if report.unsigned:
        flash(_("%(count)d events after the last checkpoint are not signed yet; the oldest "
                "waited %(minutes)d minutes.", count=report.unsigned,
                minutes=round(report.unsigned_minutes)))
    return redirect(url_for("legal.integrity"))


@bp.get("/retention")
def retention_overview():
    now = utcnow()
    return render_template("legal/retention.html", now=now, **legal_views.erasures(now),
                           reason=lambda r: REASON_LABELS.get(r, _("Unknown")),
                           long_date=lambda d: format_date(d, "long"),
                           days_between=lambda a, b: (b - a).days)
