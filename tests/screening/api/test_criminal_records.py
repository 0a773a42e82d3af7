"""The API refuses criteria that ask about criminal records with a problem naming the field."""

import pytest

from compliance.accounts import Role
from tests.conftest import vacancy_values


@pytest.fixture
def recruiter(make_user):
    return make_user(Role.RECRUITER)


@pytest.mark.parametrize("criterion", ["VOG", "uittreksel uit het strafregister",
                                       "criminal record check", "DBS check"])
def test_a_records_criterion_is_a_422_problem_naming_criteria(api, recruiter, criterion):
    body = {**vacancy_values(), "criteria": ["Python", criterion]}
    response = api(recruiter).post("/api/v1/vacancies", json=body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert set(errors) == {"criteria"}
    assert f"“{criterion}”" in errors["criteria"][0]
    assert "certificate of conduct" in errors["criteria"][0]
    assert api(recruiter).get("/api/v1/vacancies").get_json() == []


def test_an_update_adding_such_a_criterion_is_refused_too(api, recruiter, make_vacancy):
    vacancy = make_vacancy(owner=recruiter)
    caller = api(recruiter)
    etag = caller.get(f"/api/v1/vacancies/{vacancy.id}").headers["ETag"]
    response = caller.put(f"/api/v1/vacancies/{vacancy.id}", headers={"If-Match": etag},
                          json={**vacancy_values(), "criteria": ["Python", "geen strafblad"]})
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"criteria"}
    assert caller.get(f"/api/v1/vacancies/{vacancy.id}").get_json()["criteria"] == [
        "Python", "PostgreSQL"]


def test_ordinary_criteria_and_a_vog_in_the_description_are_accepted(api, recruiter):
    body = {**vacancy_values(), "criteria": ["security awareness", "law enforcement experience"],
            "description": "Security officer. A VOG is required."}
    response = api(recruiter).post("/api/v1/vacancies", json=body)
    assert response.status_code == 201
    assert response.get_json()["criteria"] == ["security awareness",
                                               "law enforcement experience"]
