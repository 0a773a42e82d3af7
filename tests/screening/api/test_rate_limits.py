"""Rate limiting per token: each token has its own budget; a breach says when to come back."""

import pytest

from compliance.accounts import Role


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "3 per minute"}


def test_each_token_has_its_own_budget_and_is_told_when_to_retry(api, make_user):
    first, second = api(make_user(Role.RECRUITER)), api(make_user(Role.RECRUITER))
    for _ in range(3):
        assert first.get("/api/v1/vacancies").status_code == 200
    refused = first.get("/api/v1/vacancies")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # One budget across the whole API, not one per blueprint.
    assert first.get("/api/v1/candidates/1").status_code == 429
    assert second.get("/api/v1/vacancies").status_code == 200
