"""After a case ends in erasure the recruiter sees a line without personal data; ids stay unique."""

from datetime import timedelta

from compliance import retention
from compliance.api_tokens import create_token
from compliance.db import utcnow
from screening.candidates import decide
from screening.case import withdraw
from screening.lifecycle import CaseRecord
from screening.models import Candidate, Decision


def test_a_withdrawn_candidate_leaves_a_line_not_a_hole(client, db, login, recruiter,
                                                        case_candidate, make_candidate):
    cid, vid = case_candidate.id, case_candidate.vacancy_id
    withdraw(case_candidate, method="portal")
    db.session.commit()
    db.session.rollback()
    assert db.session.get(Candidate, cid) is None
    login(recruiter)
    line = f"Candidate {cid} withdrew on"
    for path in ("/dashboard", f"/vacancies/{vid}"):
        page = client.get(path).get_data(as_text=True)
        assert line in page and "all data erased" in page and "Jamie" not in page, path
    gone = client.get(f"/candidates/{cid}")
    assert gone.status_code == 410 and line in gone.get_data(as_text=True)
    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    answer = client.get(f"/api/v1/candidates/{cid}", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 410
    assert answer.get_json()["type"] == "urn:fairscreen:problem:case-ended"
    assert line in answer.get_json()["detail"] and "Jamie" not in answer.get_json()["detail"]
    # Out of scope stays out of scope: another recruiter gets a plain 404.


def test_another_recruiter_does_not_see_the_line(client, db, login, make_user, case_candidate):
    cid = case_candidate.id
    withdraw(case_candidate, method="portal")
    db.session.commit()
    login(make_user())
    assert client.get(f"/candidates/{cid}").status_code == 404


def test_ids_are_never_given_twice(db, case_candidate, make_candidate):
    first = case_candidate.id
    vacancy = case_candidate.vacancy
    withdraw(case_candidate, method="portal")  # the highest id goes: SQLite would reuse it
    db.session.commit()
    db.session.rollback()
    second = make_candidate(vacancy, email="other@example.org")
    assert second.id > first
    assert db.session.get(CaseRecord, first).why == "consent_withdrawn"


def test_a_case_erased_by_retention_says_so(client, db, login, recruiter, case_candidate):
    cid, vid = case_candidate.id, case_candidate.vacancy_id
    decide(case_candidate, Decision.HIRED, actor=recruiter)
    db.session.commit()
    retention.sweep(now=utcnow() + timedelta(days=29))
    login(recruiter)
    page = client.get(f"/vacancies/{vid}").get_data(as_text=True)
    assert f"Candidate {cid}: Decided on" in page and "retention period" in page
