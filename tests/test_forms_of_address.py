"""One form of address per audience (translations/README.md): staff read "u"/"uw", candidates
"je"/"jouw". Every msgid is collected with babel's extractor from the files one audience reads,
and its Dutch translation checked for the other audience's pronouns."""

import re
from collections import defaultdict
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "translations/nl/LC_MESSAGES/messages.po"

STAFF_FILES = [
    "templates/recruiter/*", "templates/legal/*", "templates/admin/*", "templates/auth/*",
    "templates/api/*", "templates/errors/*", "templates/pdf/trail.html",
    "templates/pdf/ropa.html", "templates/pdf/dpia.html", "templates/email/staff_*",
    "templates/email/invitation.txt", "templates/email/password_reset.txt",
    "templates/email/audit_head_digest.txt",
    "compliance/web/__init__.py", "compliance/web/admin.py", "compliance/web/auth.py",
    "compliance/web/legal.py", "compliance/web/rights.py", "compliance/web/second_factor.py",
    "compliance/web/account_links.py", "compliance/accounts.py", "compliance/account_links.py",
    "compliance/second_factor.py", "compliance/staff_mail.py", "compliance/audit_labels.py",
    "compliance/head_digest.py", "compliance/reports/trail.py",
    "screening/web/recruiter.py", "screening/web/review.py", "screening/web/teams.py",
    "screening/web/reports.py", "screening/web/candidate_holds.py", "screening/staff_notices.py",
    "screening/audit_labels.py", "screening/vacancies.py", "screening/candidates.py",
    "screening/search.py", "screening/timeline.py", "screening/api/*",
]
CANDIDATE_FILES = [
    "templates/candidate/*", "templates/pdf/access.html", "templates/email/consent_request.txt",
    "templates/email/consent_reminder.txt", "templates/email/screened_notice.txt",
    "templates/email/correct_accounts.txt", "templates/email/fresh_link.txt",
    "templates/email/rights_extended.txt", "templates/email/rights_refused.txt",
    "templates/email/talent_pool_renewal.txt",
    "screening/web/portal.py", "screening/web/portal_accounts.py",
    "screening/web/portal_links.py", "screening/notices.py", "screening/accounts.py",
]
# Files both audiences read (labels, layouts, validators, the reports' shared parts): their
# texts speak to nobody in particular, except these, which only one audience ever reads.
OWNED = {
    # screening/labels.py: what a candidate asked for, on their portal; their upload's error;
    # the purpose of their agreement.
    "see your data": "candidate", "correct your data": "candidate",
    "erase your data": "candidate", "receive a copy of your data": "candidate",
    "Screening of your public posts": "candidate",
    "%(file)s is protected with a password: upload the export as you downloaded it":
        "candidate",
    # compliance/reports/records.py: why the data goes, and the candidate's grounds, in their
    # access report.
    "the request for your agreement was not answered": "candidate",
    "you declined": "candidate", "you withdrew your agreement": "candidate",
    "your talent-pool consent runs out": "candidate", "you asked for erasure": "candidate",
    "you objected": "candidate", "Why you object": "candidate",
}
# A text both audiences read that has to speak to one of them; prefer two msgids.
SHARED_EXCEPTIONS: set[str] = set()

FORMS = {
    "staff": re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE),
    "candidate": re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE),
}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}


def wrong_forms(translation: str, audience: str) -> list[str]:
    """Return the pronouns in a Dutch text that the audience must not be addressed with."""
    if audience == "shared":
        return wrong_forms(translation, "staff") + wrong_forms(translation, "candidate")
    return [m.group(0) for m in FORMS[audience].finditer(translation)]


def _audience(path: str) -> str | None:
    for audience, patterns in (("staff", STAFF_FILES), ("candidate", CANDIDATE_FILES)):
        if any(fnmatch(path, pattern) for pattern in patterns):
            return audience
    return None


def collect() -> dict[str, set[str]]:
    """Return, per msgid, who reads it ("staff", "candidate" or "shared")."""
    found: dict[str, set[str]] = defaultdict(set)
    files = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt"),
             *(ROOT / "compliance").rglob("*.py"), *(ROOT / "screening").rglob("*.py")]
    for file in files:
        path = file.relative_to(ROOT).as_posix()
        method = "python" if file.suffix == ".py" else "jinja2"
        for _line, message, _comments, _context in extract_from_file(method, file, KEYWORDS):
            for msgid in [message] if isinstance(message, str) else filter(None, message):
                found[msgid].add(_audience(path) or OWNED.get(msgid, "shared"))
    return {msgid: next(iter(audiences)) if len(audiences) == 1 else "shared"
            for msgid, audiences in found.items()}


def test_each_audience_is_addressed_in_its_own_form():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    wrong = []
    for msgid, audience in sorted(collect().items()):
        entry = catalogue.get(msgid)
        if entry is None or msgid in SHARED_EXCEPTIONS:
            continue  # test_i18n fails on a missing translation
        strings = [entry.string] if isinstance(entry.string, str) else entry.string
        for translation in strings:
            if found := wrong_forms(translation, audience):
                wrong.append(f"{audience}: {msgid!r} -> {translation!r} ({', '.join(found)})")
    assert not wrong, "\n".join(wrong)


def test_the_audiences_cover_the_pages_that_speak_to_someone():
    audiences = collect()
    assert audiences["Your e-mail choices are saved."] == "staff"
    assert audiences["Your rights"] == "candidate"
    assert audiences["you declined"] == "candidate"  # owned, in a shared file
    assert audiences["A case in the state \u201c%(state)s\u201d cannot %(action)s."] == "shared"


@pytest.mark.parametrize(("translation", "audience", "wrong"), [
    ("Je e-mailkeuzes zijn opgeslagen.", "staff", ["Je"]),
    ("Zoekt binnen de vacature die jij koos, voor jouw team.", "staff", ["jij", "jouw"]),
    ("Uw e-mailkeuzes zijn opgeslagen.", "staff", []),
    ("Heeft u vragen, bekijk dan uw gegevens.", "candidate", ["u", "uw"]),
    ("Je kunt je gegevens inzien.", "candidate", []),
    ("Een jurist uit Utrecht bekijkt de uitkomst.", "candidate", []),  # only whole words
    ("U kunt je akkoord intrekken.", "shared", ["je", "U"]),
])
def test_the_check_tells_the_forms_apart(translation, audience, wrong):
    assert wrong_forms(translation, audience) == wrong
