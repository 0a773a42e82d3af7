"""The policy numbers in one place, each beside the rule it comes from.

DESIGN.md ("The rules it enforces", and the jurisdiction presets) is the source of truth; a
number changes here, with its citation, or not at all. Retention depends on the organisation's
jurisdiction, so it comes from a preset; the other numbers are the product's own, everywhere.
"""

import enum
from dataclasses import dataclass

# A consent request expires unanswered after 14 days, and the case with it. Art. 7 (agreement
# must be current and specific); DESIGN.md, rule on the candidate's agreement: "a request
# expires after 14 days, one reminder 3 days before".
CONSENT_ANSWER_DAYS = 14
# The one reminder goes out 3 days before the request expires, i.e. after 11 days. DESIGN.md,
# same rule.
CONSENT_REMINDER_BEFORE_DAYS = 3
CONSENT_REMINDER_AFTER_DAYS = CONSENT_ANSWER_DAYS - CONSENT_REMINDER_BEFORE_DAYS
# A talent-pool consent is asked again this long before its term ends, so the candidate has
# time to answer before the data is erased. Art. 7(3) and 5(1)(e); DESIGN.md, talent pool:
# "1 year, then ask again".
TALENT_POOL_RENEWAL_BEFORE_DAYS = 30

# Mail stored while no SMTP server was configured is sent once one is, while it is younger than
# a consent request's life: its links still work and what it says is still current. Older mail
# is never sent late; it ends as failed, audited. Art. 12(1) (information given in a timely,
# intelligible way); the number is the product's own, tied to CONSENT_ANSWER_DAYS.
STORED_MAIL_SEND_DAYS = CONSENT_ANSWER_DAYS

# Before a negative decision the candidate may add context to each finding for 3 days.
# Art. 22, recital 71; NVP Sollicitatiecode (findings are discussed with the candidate);
# DESIGN.md, rule "no scores, no ranking, no automated decision": comment window 3 days.
COMMENT_WINDOW_DAYS = 3
COMMENT_WINDOW_MAX_DAYS = 30  # the most a vacancy may grant; longer only delays the procedure
# The vacancy's recruiters are told once, this long before the window closes, that a decision
# can soon be taken: the product's own number, so the hearing ends in a decision, not silence.
COMMENT_WINDOW_NOTICE_HOURS = 24

# Posts older than 3 years are out of scope. Art. 5(1)(c) minimisation; AP: "as short a period
# as possible"; DESIGN.md, rule on old posts: lookback 3 years, per vacancy.
LOOKBACK_YEARS = 3
LOOKBACK_MAX_YEARS = 10
DAYS_PER_YEAR = 365

# A case nobody takes further is erased after half a year: Art. 5(1)(e) storage limitation,
# a backstop of the product's own (no rule names a number).
UNDECIDED_DAYS = 180

# The longest retention after a decision an organisation may set: Art. 5(1)(e); the AP and
# NVP Sollicitatiecode allow up to a year only with the candidate's consent.
RETENTION_MAX_DAYS = 365

# Text limits: what a person may write, bounded so that a page, a PDF and a mail stay usable.
# Art. 16 (rectification: the candidate's context to a finding) and Art. 22(3) (the reasons
# for a rejection, so the candidate can contest it); the lengths are the product's own.
CONTEXT_MAX_CHARS = 2000
DECISION_REASONS_MAX_CHARS = 2000
# Art. 21(1): an objection may state "grounds relating to [the candidate's] particular
# situation"; optional, and bounded like the other texts a person writes.
OBJECTION_GROUNDS_MAX_CHARS = 2000


class Jurisdiction(enum.StrEnum):
    """The country whose rules an organisation follows (DESIGN.md, jurisdiction presets)."""

    NL = "NL"
    BE = "BE"
    FR = "FR"


@dataclass(frozen=True)
class Preset:
    """The rules that differ by country: how long data stays, and who the regulator is."""

    retention_days: int  # after the decision
    talent_pool_days: int  # with a separate talent-pool consent, Art. 6(1)(a), 7
    regulator: str
    guidance: str


PRESETS = {
    # AP and NVP Sollicitatiecode: 4 weeks after the procedure, up to 1 year with consent.
    Jurisdiction.NL: Preset(28, 365, "Autoriteit Persoonsgegevens", "NVP Sollicitatiecode"),
    # Set and justified by the employer (default 4 weeks), 1 year with consent; CAO/CCT 38.
    Jurisdiction.BE: Preset(28, 365, "Gegevensbeschermingsautoriteit / Autorité de protection "
                                     "des données", "CAO/CCT 38"),
    # CNIL recruitment guide (2023): 3 months after the procedure, 2 years with consent.
    Jurisdiction.FR: Preset(90, 730, "CNIL", "CNIL recruitment guide (2023)"),
}
DEFAULT_JURISDICTION = Jurisdiction.NL


def preset(jurisdiction: str | None) -> Preset:
    """Return the preset of a jurisdiction; an unknown or missing one falls back to NL's."""
    try:
        return PRESETS[Jurisdiction(jurisdiction)]
    except ValueError:
        return PRESETS[DEFAULT_JURISDICTION]
