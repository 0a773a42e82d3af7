"""The candidate page's timeline: the case's life in order, as the recruiter's page renders it,
with each moment as a long date in the reader's zone and what is still ahead said in words."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from sqlalchemy import inspect, select, text

from compliance import audit
from compliance.audit import AuditAction, AuditEvent
from screening.models import Candidate
from screening.runs import Finding
from screening.timeline import SAYS, case_timeline
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    app_config,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)
from tests.screening.case.test_case_flow import links
from tests.screening.sources.conftest import reply

ZONE = ZoneInfo("Europe/Amsterdam")  # BABEL_DEFAULT_TIMEZONE: the zone staff read times in


class Timeline(HTMLParser):
    """Read the <ol class="timeline"> of a page: per entry its kind, whether it is ahead, the
    text of its date line and what it says."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[dict] = []
        self.lists = 0
        self._in_list = False
        self._part: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ol" and "timeline" in classes:
            self.lists += 1
            self._in_list = True
        elif self._in_list and tag == "li":
            kind = next(c.removeprefix("timeline-") for c in classes if c.startswith("timeline-"))
            self.entries.append({"kind": kind, "ahead": "ahead" in classes, "when": "",
                                 "what": "", "datetime": None})
        elif self._in_list and tag == "p" and classes:
            self._part = classes[0]
        elif self._in_list and tag == "time":
            self.entries[-1]["datetime"] = attrs.get("datetime")

    def handle_endtag(self, tag):
        if tag == "ol":
            self._in_list = False
        elif tag == "p":
            self._part = None

    def handle_data(self, data):
        if self._in_list and self._part in ("when", "what"):
            entry = self.entries[-1]
            entry[self._part] = " ".join((entry[self._part] + " " + data).split())


def timeline(client, candidate_id: int) -> list[dict]:
    response = client.get(f"/candidates/{candidate_id}")
    assert response.status_code == 200
    parser = Timeline()
    parser.feed(response.get_data(as_text=True))
    assert parser.lists == 1
    return parser.entries


def kinds(entries: list[dict]) -> list[tuple[str, bool]]:
    return [(e["kind"], e["ahead"]) for e in entries]


def long_english(moment) -> str:
    """The long date and short time in the staff's zone, as Babel writes them for English."""
    local = moment.astimezone(ZONE)
    said = (f"{format_date(local, 'long', locale='en')} at "
            f"{format_time(local, 'short', locale='en', tzinfo=ZONE)}")
    return " ".join(said.split())  # as the parser reads it: Babel's narrow space is a space


def test_the_timeline_follows_the_case_from_added_to_decided(client, db, login, recruiter,
                                                             case_candidate, blog):
    login(recruiter)
    cid = case_candidate.id
    assert kinds(timeline(client, cid)) == [("added", False), ("erasure", True)]

    client.post(f"/candidates/{cid}/consent-request")
    client.post(f"/candidates/{cid}/consent-request")  # sent again
    entries = timeline(client, cid)
    assert kinds(entries) == [("added", False), ("asked", False), ("asked", False),
                              ("erasure", True)]
    assert entries[1]["what"] == "Agreement asked: the candidate was sent the request by e-mail."
    assert entries[2]["what"] == "The request for agreement was sent again."
    assert entries[3]["what"] == ("Erasure of the candidate's data, if the request for "
                                  "agreement stays unanswered.")
    assert entries[3]["when"].startswith("Planned ")

    answer = client.post(links(db, "consent_request")["consent"], data={
        "agree-rss": "yes", "account-rss": blog, "agree-github": "no", "agree-x-archive": "no"})
    assert answer.status_code == 302
    portal = answer.headers["Location"]
    assert client.post(f"/candidates/{cid}/screening").status_code == 302
    entries = timeline(client, cid)
    assert kinds(entries) == [("added", False), ("asked", False), ("asked", False),
                              ("answered", False), ("run-queued", False), ("run-done", False),
                              ("window", True), ("erasure", True)]
    assert entries[3]["what"] == "The candidate agreed to the screening."
    assert entries[4]["what"] == "Screening 1 queued."
    assert entries[5]["what"] == "Screening 1 finished: 3 posts looked at, 1 shown."
    assert entries[6]["what"] == "End of the candidate's comment window."

    db.session.rollback()
    finding = db.session.scalars(db.select(Finding)).one()
    client.post(f"{portal}/findings/{finding.id}/context",
                data={"context": "A team effort; I led the testing."})
    client.post(f"{portal}/waive")
    decided = client.post(f"/candidates/{cid}/decision", data={"decision": "hired"})
    assert decided.status_code == 302
    entries = timeline(client, cid)
    # Waived, the window no longer has an end ahead: the candidate's word stands in its place.
    assert kinds(entries) == [("added", False), ("asked", False), ("asked", False),
                              ("answered", False), ("run-queued", False), ("run-done", False),
                              ("comment", False), ("comment-done", False), ("decided", False),
                              ("erasure", True)]
    assert entries[6]["what"] == "The candidate added context to a finding."
    assert entries[8]["what"] == "Decision recorded: Hired."
    assert entries[9]["what"] == ("Erasure of the candidate's data, at the end of the retention "
                                  "period after the decision.")
    page = client.get(f"/candidates/{cid}").get_data(as_text=True)
    assert "A team effort" not in page  # the candidate's words stay on the findings page

    # Every moment is a long date in the staff's zone; the machine-readable one is an attribute.
    db.session.rollback()
    candidate = db.session.get(Candidate, cid)
    assert entries[9]["when"] == f"Planned {long_english(candidate.subject.erase_after)}"
    assert entries[8]["when"] == long_english(candidate.decided_at)
    stamps = [e["datetime"] for e in entries]
    assert stamps == sorted(stamps, key=lambda s: s)  # all UTC offsets: text order is time order
    for entry in entries:
        assert re.fullmatch(r"(Planned )?[A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d{2}\s?[AP]M",
                            entry["when"]), entry["when"]


def test_a_failed_screening_is_named_with_its_reason_in_dutch(client, db, login, recruiter,
                                                               case_candidate, server):
    recruiter.language = "nl"
    db.session.commit()
    gone = server.route("/gone.xml", lambda h: reply(h, 404, b"not found", "text/plain"))
    login(recruiter)
    cid = case_candidate.id
    client.post(f"/candidates/{cid}/consent-request")
    answer = client.post(links(db, "consent_request")["consent"], data={
        "agree-rss": "yes", "account-rss": gone, "keep-rss": "1", "agree-github": "no",
        "agree-x-archive": "no"})
    assert answer.status_code == 302
    client.post(f"/candidates/{cid}/screening")
    entries = timeline(client, cid)
    assert kinds(entries) == [("added", False), ("asked", False), ("answered", False),
                              ("run-queued", False), ("run-failed", False), ("erasure", True)]
    assert entries[4]["what"] == "Screening 1 mislukt: geen enkele bron kon worden gelezen."
    assert entries[5]["what"] == ("Wissing van de gegevens van de kandidaat, tenzij eerder een "
                                  "besluit wordt vastgelegd.")
    assert entries[5]["when"].startswith("Gepland ") and " om " in entries[5]["when"]
    assert re.search(r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|"
                     r"oktober|november|december) \d{4}", entries[0]["when"])


def test_the_timeline_finds_its_events_without_reading_every_staff_read(db, case_candidate):
    """Every staff read of a candidate is an event about them; the timeline asks for a few
    actions, through the index on (subject, action), so a candidate viewed thousands of times
    costs their page no more. No index on the subject alone is left for a planner to prefer."""
    indexes = {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("audit_event")}
    assert indexes["ix_audit_event_subject_action"] == ["subject", "action"]
    assert ["subject"] not in indexes.values()
    who = audit.pseudonym(case_candidate.subject)
    audit.record_many(AuditAction.PERSONAL_DATA_VIEWED,
                      [(who, {"candidate": case_candidate.id}, {"via": "page"})] * 50,
                      actor="system")
    db.session.commit()
    assert [e.kind for e in case_timeline(case_candidate)][:1] == ["added"]
    if db.engine.dialect.name == "sqlite":
        query = select(AuditEvent.seq).where(AuditEvent.subject == who,
                                             AuditEvent.action.in_([a.value for a in SAYS]))
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(row[-1] for row in db.session.execute(
            text(f"EXPLAIN QUERY PLAN {compiled}")))
        assert "ix_audit_event_subject_action (subject=? AND action=?)" in plan, plan
