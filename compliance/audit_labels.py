"""Counsel's words for an audit event's objects and details: each key and each value of a
closed vocabulary through the catalogue; ids, hashes and pseudonyms kept as they are.

Only pages use this: the export, the PDF trail's embedded JSON and `audit verify` keep the
record verbatim. compliance names its own keys and values; a package that records keys of its
own registers them at app start (`register`), as it registers its staff mail kinds.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from compliance import staff_mail
from compliance.accounts import Role
from compliance.consent import ConsentPurpose
from compliance.outbox import Status
from compliance.rights import Right
from compliance.subjects import RetentionReason

KEYS: dict[str, Any] = {
    # objects
    "user": _l("User"), "api_token": _l("API token"), "message": _l("Message"),
    "rights_request": _l("Rights request"), "legal_hold": _l("Legal hold"),
    "job": _l("Report job"),
    # details
    "active": _l("Active"), "again": _l("Sent again"), "area": _l("Area"),
    "attempts": _l("Attempts"), "bad_seq": _l("First bad event"), "batches": _l("Batches"),
    "by_admin": _l("By an administrator"), "by_subject": _l("For one subject"),
    "channel": _l("Channel"), "checkpoints": _l("Checkpoints"),
    "details_given": _l("Details given"), "erased": _l("Erased"), "error": _l("Error"),
    "events": _l("Events"), "fields": _l("Fields"), "first": _l("First event"),
    "last": _l("Last event"), "kind": _l("Kind"), "lang": _l("Language"),
    "late": _l("Late checkpoints"), "left": _l("Codes left"), "logo": _l("Logo (SHA-256)"),
    "master_key": _l("Master key"), "method": _l("Given through"), "months": _l("Extra months"),
    "notice_digest": _l("Notice (SHA-256)"), "notice_version": _l("Notice version"),
    "ok": _l("Intact"), "purpose": _l("Purpose"), "reason": _l("Reason"),
    "redacted": _l("Redacted"), "resolution": _l("Outcome"), "retired": _l("Retired keys"),
    "rewrapped": _l("Data keys re-wrapped"), "right": _l("Right"), "role": _l("Role"),
    "seq": _l("Event"), "sha256": _l("SHA-256"), "step": _l("Step"),
    "switched_on": _l("Switched on"), "switched_off": _l("Switched off"),
    "unsigned": _l("Unsigned events"), "was": _l("Was"), "witnessed": _l("Witnessed heads"),
}
REASONS = {
    RetentionReason.UNDECIDED: _l("No decision within the backstop period"),
    RetentionReason.CONSENT_UNANSWERED: _l("Request for agreement unanswered"),
    RetentionReason.CONSENT_DECLINED: _l("Agreement declined"),
    RetentionReason.CONSENT_WITHDRAWN: _l("Agreement withdrawn"),
    RetentionReason.DECIDED: _l("Retention period after the decision"),
    RetentionReason.TALENT_POOL: _l("Talent-pool consent ended"),
    RetentionReason.ERASURE_REQUESTED: _l("Erasure requested"),
    RetentionReason.OBJECTION: _l("Objection"),
}
ROLES = {Role.RECRUITER: _l("recruiter"), Role.LEGAL: _l("legal counsel"),
         Role.ADMIN: _l("administrator")}
_CHANNELS = {"email": _l("E-mail"), Status.STORED: _l("Stored"), Status.QUEUED: _l("Queued"),
             Status.SENT: _l("Sent"), Status.FAILED: _l("Failed")}
VALUES: dict[str, dict[str, Any]] = {
    "reason": dict(REASONS), "role": dict(ROLES),
    "right": {Right.ACCESS: _l("Access"), Right.RECTIFICATION: _l("Rectification"),
              Right.ERASURE: _l("Erasure"), Right.OBJECTION: _l("Objection"),
              Right.PORTABILITY: _l("Portability")},
    "resolution": {"erased": _l("Erased"), "resolved": _l("Resolved"),
                   "released": _l("Released from the legal hold"), "refused": _l("Refused"),
                   "served in the portal": _l("Served in the portal")},
    "channel": dict(_CHANNELS), "was": dict(_CHANNELS),
    "kind": {"audit_head_digest": _l("Signed audit head for the DPO"),
             "invitation": _l("Invitation"), "password_reset": _l("Password reset"),
             "audit": _l("Audit trail"), "access": _l("Access report (Art. 15)"),
             "ropa": _l("Record of processing (Art. 30)"), "dpia": _l("DPIA starting point")},
    "lang": {"en": _l("English"), "nl": _l("Dutch")},
    "purpose": {ConsentPurpose.SCREENING: _l("Screening"),
                ConsentPurpose.TALENT_POOL: _l("Talent pool")},
    "step": {"password": _l("Password"), "second_factor": _l("Second factor")},
    "area": {"legal": _l("Legal counsel's pages"), "rights": _l("Rights requests"),
             "admin": _l("Administration")},
    "error": {"Superseded": _l("Replaced by a newer message"),
              "StoredTooLong": _l("Kept unsent for too long"),
              "Withdrawn": _l("Withdrawn before it was sent")},
    "fields": {"role": _l("role"), "active": _l("active"), "language": _l("language"),
               "password": _l("password"), "notifications": _l("e-mail notifications"),
               "logo": _l("logo"), "controller_name": _l("controller name"),
               "controller_address": _l("controller address"), "dpo_contact": _l("DPO contact"),
               "jurisdiction": _l("jurisdiction"),
               "default_retention_days": _l("default retention"),
               "default_lookback_years": _l("default lookback"),
               "default_languages": _l("default languages"), "display_name": _l("display name")},
}
# Records, not words: shown as they are, set apart as code.
VERBATIM = {"user", "api_token", "message", "rights_request", "legal_hold", "job", "error",
            "logo", "master_key", "notice_digest", "notice_version", "sha256", "retired"}


def register(key: str, label=None, values: Mapping[str, Any] | None = None, *,
             verbatim: bool = False) -> None:
    """Name a key another package records, and the values of its vocabulary (added to any
    compliance names); `verbatim` keeps its other values as records."""
    if label is not None:
        KEYS[key] = label
    if values:
        VALUES.setdefault(key, {}).update(values)
    if verbatim:
        VERBATIM.add(key)


def key_label(key: str) -> str:
    """Name a key in the reader's language; an unknown one in a readable form of itself."""
    if key in KEYS:
        return str(KEYS[key])
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _moment(value: str) -> str | None:
    if "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return _("%(date)s at %(time)s", date=format_date(moment, "long"),
             time=format_time(moment, "short"))


def _vocabulary(key: str) -> Mapping[str, Any]:
    staff_kinds = {kind: label for kind, (label, _roles) in staff_mail.KINDS.items()}
    if key in ("switched_on", "switched_off"):  # the kinds of staff mail, by their own labels
        return staff_kinds
    return {**staff_kinds, **VALUES.get("kind", {})} if key == "kind" else VALUES.get(key, {})


def value_text(key: str, value: Any) -> Markup:
    """Say one value of `key`: a vocabulary's label, a date, a yes or no, a count; a record
    (id, hash, code) as it is, in <code>; an unknown word as it is, for the catalogue test to
    catch."""
    if isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    if value is None:
        return Markup("–")
    if isinstance(value, list | tuple):
        return Markup(", ").join(value_text(key, v) for v in value) if value else Markup("–")
    if isinstance(value, dict):  # counts by code ({"lexicon:health": 2}): the codes are records
        return Markup("; ").join(Markup("<code>%s</code> %s") % (code, count)
                                 for code, count in sorted(value.items())) or Markup("–")
    if isinstance(value, str):
        vocabulary = _vocabulary(key)
        if value in vocabulary:
            return escape(str(vocabulary[value]))
        said = _moment(value)
        if said is not None:
            return escape(said)
    if key in VERBATIM:
        return Markup("<code>%s</code>") % value
    return escape(str(value))


def readable(values: Mapping[str, Any]) -> list[Markup]:
    """Say an event's objects or details as lines of "Label: value", in the order of the
    labels as the reader reads them."""
    lines = [(key_label(key), value_text(key, value)) for key, value in values.items()]
    return [Markup("%s: %s") % line for line in sorted(lines, key=lambda line: line[0])]
