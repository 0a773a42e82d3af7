"""The API keeps to the same team rule as the pages: an assignee reads the vacancy and its
candidates, a removed assignee gets 404, and only the owner changes who is assigned."""

from compliance.accounts import Role
from screening.vacancies import change_team
from tests.conftest import vacancy_values


def test_an_assignee_reads_through_the_api_until_removed(db, api, make_user, make_vacancy,
                                                         make_candidate):
    owner, colleague = make_user(Role.RECRUITER), make_user(Role.RECRUITER)
    vacancy = make_vacancy(owner=owner)
    make_candidate(vacancy)
    as_colleague = api(colleague)
    assert as_colleague.get(f"/api/v1/vacancies/{vacancy.id}").status_code == 404
    change_team(vacancy, owner_id=owner.id, assignee_ids=[colleague.id], actor=owner)
    db.session.commit()
    assert as_colleague.get(f"/api/v1/vacancies/{vacancy.id}").status_code == 200
    assert [v["id"] for v in as_colleague.get("/api/v1/vacancies").get_json()] == [vacancy.id]
    assert as_colleague.get(f"/api/v1/vacancies/{vacancy.id}/candidates").status_code == 200
    change_team(vacancy, owner_id=owner.id, assignee_ids=[], actor=owner)
    db.session.commit()
    assert as_colleague.get(f"/api/v1/vacancies/{vacancy.id}").status_code == 404
    assert as_colleague.get("/api/v1/vacancies").get_json() == []
    assert as_colleague.get(f"/api/v1/vacancies/{vacancy.id}/candidates").status_code == 404


def test_an_assignee_cannot_change_the_assignees_through_the_api(db, api, make_user,
                                                                 make_vacancy):
    owner, colleague, third = (make_user(Role.RECRUITER) for _ in range(3))
    vacancy = make_vacancy(owner=owner, assignee_ids=[colleague.id])
    as_colleague = api(colleague)
    etag = as_colleague.get(f"/api/v1/vacancies/{vacancy.id}").headers["ETag"]
    body = vacancy_values(assignee_ids=[colleague.id, third.id])
    response = as_colleague.put(f"/api/v1/vacancies/{vacancy.id}", json=body,
                                headers={"If-Match": etag})
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "assignee_ids" in response.get_json()["errors"]
    db.session.expire_all()
    assert [u.id for u in vacancy.assignees] == [colleague.id]
    # The same body with the team unchanged is an ordinary update.
    body = vacancy_values(assignee_ids=[colleague.id], title="Renamed")
    response = as_colleague.put(f"/api/v1/vacancies/{vacancy.id}", json=body,
                                headers={"If-Match": etag})
    assert response.status_code == 200 and response.get_json()["title"] == "Renamed"
