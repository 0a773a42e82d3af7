"""Counsel's audit log in words: every detail key and every value of a closed vocabulary in the
reader's language, ids and hashes as they are, an unknown key readable; the machine-facing
record (export, verify) untouched."""

import json

import pytest
from flask_babel import force_locale

from compliance import audit, audit_labels, rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.consent import SourceAnswer
from compliance.organisation import update_settings
from screening import case
from screening.candidates import decide
from screening.lifecycle import Action, move
from screening.models import CaseState, Decision
from tests.rendered import offences, page_texts


@pytest.fixture
def counsel(make_user):
    return make_user(Role.LEGAL, name="Lee Counsel")


@pytest.fixture
def events(db, counsel, make_user, make_vacancy, make_candidate):
    """A case's life as the operations record it: an agreement, a finished run, a decision,
    a legal hold and a held objection, an erasure request carried out."""
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Main St 1",
                     "dpo_contact": "dpo@acme.example"}, actor="system")
    recruiter = make_user(Role.RECRUITER, name="Rita Recruiter")
    vacancy = make_vacancy(owner=recruiter, allowed_sources=["rss", "github"])
    hired, held, erased = (make_candidate(vacancy, email=f"{n}@example.org") for n in "abc")
    for candidate in (hired, held, erased):
        case.request_consent(candidate, actor=recruiter)
        case.answer_consent(candidate, [SourceAnswer("rss", "https://blog.example.org/feed", True),
                                        SourceAnswer("github", None, False)], talent_pool=True)
    move(hired, CaseState.SCREENING, actor=recruiter, reason=Action.SCREEN)
    # As screening.runs records the end of a run (a run needs sources on the network).
    audit.record(AuditAction.SCREENING_COMPLETED, actor="system", subject=hired.subject,
                 objects={"candidate": hired.id, "run": 7}, looked_at=12, shown=2, withheld=1,
                 irrelevant=9, not_assessed=0, decided_by={"lexicon:health": 1},
                 classifier="lexicon=ab12cd34 model=ef56", failed_sources=["github"])
    move(hired, CaseState.SCREENED, actor="system", reason=Action.FINISH_RUN)
    decide(hired, Decision.HIRED, actor=recruiter)
    rights.place_hold(held.subject, actor=counsel, reason="Claim before the court")
    case.request_right(held, rights.Right.OBJECTION, details="Not relevant to the job.")
    case.request_right(erased, rights.Right.ERASURE)
    db.session.commit()  # the erasure runs after the commit
    return db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)).all()


# What the events say in Dutch, key and value, each from the catalogue.
DUTCH = ["Bronnen: Blog of feed (RSS/Atom)", "Geweigerde bronnen: GitHub",
         "Doel: Talentenpool", "Gegeven via: de akkoordpagina",
         "Toestand ervoor: Akkoord gevraagd", "Toestand erna: Akkoord gegeven",
         "Stap: akkoord geven",
         "Bekeken berichten: 12", "Achtergehouden: 1", "Mislukte bronnen: GitHub",
         "Besluit: Aangenomen", "Redenen gegeven: nee", "Recht: Bezwaar",
         "Toelichting gegeven: ja", "Recht: Wissing", "Reden: Wissing gevraagd",
         "Waarom: Wissing gevraagd",
         "Soort: Verzoek om akkoord", "Kanaal: Bewaard", "Juridische blokkade: <code>"]


def test_the_audit_log_names_keys_and_values_in_dutch(db, client, login, counsel, events):
    actions = {e.action for e in events}
    assert {"consent.given", "screening.completed", "candidate.decided", "legal_hold.placed",
            "rights.requested", "subject.erased", "case.moved"} <= actions
    login(counsel)
    client.post("/preferences", data={"language": "nl"})
    response = client.get("/legal/audit?page=1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="nl">' in page
    missing = [said for said in DUTCH if said not in page]
    assert not missing, missing
    # Ids, hashes and codes are records: as they are, set apart.
    notice = next(e for e in events if e.action == "consent.given").details["notice_digest"]
    assert f"Uitleg (SHA-256): <code>{notice}</code>" in page
    assert "<code>lexicon:health</code> 1" in page and "Screeningsronde: <code>7</code>" in page
    assert "Versie van de classificatie: <code>lexicon=ab12cd34 model=ef56</code>" in page
    # No raw key, no raw value, no ISO timestamp outside <code>.
    body = page.split("<tbody>")[1]
    for raw in ("looked_at", "notice_version", "failed_sources", "consent_requested",
                "erasure_requested", "consent-page", "talent_pool"):
        assert raw not in " ".join(page_texts(body)), raw
    assert not offences(page_texts(page), "nl")


def test_the_export_keeps_the_record_verbatim(db, events, runner, tmp_path):
    out = tmp_path / "audit.json"
    result = runner.invoke(args=["audit", "export", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())["events"]
    completed = next(e for e in exported if e["action"] == "screening.completed")
    assert completed["details"]["looked_at"] == 12
    assert completed["details"]["failed_sources"] == ["github"]
    assert runner.invoke(args=["audit", "verify", "--file", str(out)]).exit_code == 0


def test_an_unknown_key_reads_as_words_and_an_unknown_value_as_it_is(app):
    with app.test_request_context(), force_locale("nl"):
        lines = [str(line) for line in audit_labels.readable(
            {"brand_new_key": "something", "sha256": "ab" * 32, "sources": ["rss", "nntp"],
             "ok": True, "expires": "2026-12-04T17:44:04+00:00"})]
    assert "Brand new key: something" in lines
    assert f"SHA-256: <code>{'ab' * 32}</code>" in lines
    assert "Bronnen: Blog of feed (RSS/Atom), nntp" in lines
    assert "Intact: ja" in lines
    assert "Verloopt: 4 december 2026 om 18:44 uur" in lines
