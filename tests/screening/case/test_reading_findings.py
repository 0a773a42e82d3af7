"""Reading findings is one operation: it checks the role and audits the read, for every caller."""

import pytest

from compliance import rights
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.db import utcnow
from screening.findings import Finding, FindingsRefused, read_findings


@pytest.fixture
def found(db, case_candidate):
    db.session.add(Finding(candidate_id=case_candidate.id, subject=case_candidate.subject,
                           source_kind="rss", account="https://blog.example.org/feed",
                           url="https://blog.example.org/p/1", published=utcnow(),
                           excerpt="Shipped Django.", matched=["Django"]))
    db.session.commit()
    return case_candidate


def reads(db) -> list[tuple[str, dict]]:
    return [(e.actor, e.details) for e in db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.FINDINGS_VIEWED).order_by(AuditEvent.seq))]


def test_who_may_read_and_every_read_is_audited(db, found, recruiter, make_user):
    legal, admin = make_user(Role.LEGAL), make_user(Role.ADMIN)
    assert len(read_findings(found, actor=recruiter)) == 1
    assert len(read_findings(found, actor="candidate")) == 1
    for nobody in (legal, admin):
        with pytest.raises(FindingsRefused):
            read_findings(found, actor=nobody)
    rights.request_right(found.subject, rights.Right.RECTIFICATION, objects={})
    assert len(read_findings(found, actor=legal)) == 1
    assert [(actor, details["basis"]) for actor, details in reads(db)] == [
        (f"user:{recruiter.id}", "recruiter"), ("candidate", "own_data"),
        (f"user:{legal.id}", "rights_request")]


def test_legal_reads_through_a_hold_on_the_page_and_the_api(client, db, login, found,
                                                            make_user):
    from compliance.api_tokens import create_token

    legal = make_user(Role.LEGAL)
    login(legal)
    page = f"/candidates/{found.id}/findings"
    assert client.get(page).status_code == 403
    _token, raw = create_token(legal, "counsel", actor=legal)
    db.session.commit()
    api = f"/api/v1/candidates/{found.id}/findings"
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(api, headers=headers).status_code == 403
    rights.place_hold(found.subject, actor=legal, reason="Dispute before the court")
    db.session.commit()
    assert "Shipped Django." in client.get(page).get_data(as_text=True)
    assert client.get(api, headers=headers).get_json()[0]["excerpt"] == "Shipped Django."
    assert [d["basis"] for _a, d in reads(db)] == ["legal_hold", "legal_hold"]
