"""API fixtures: personal tokens and a client that sends them as bearer credentials."""

import pytest

from compliance.api_tokens import create_token


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "10000 per minute"}


@pytest.fixture
def token_for(db):
    """Issue a personal API token for a user; return the raw token."""
    def issue(user, name: str = "ATS") -> str:
        _token, raw = create_token(user, name, actor=user)
        db.session.commit()
        return raw

    return issue


@pytest.fixture
def api(client, token_for):
    """Call the API as a user: `api(user).get(path)` sends the user's bearer token."""
    def as_user(user):
        return BearerClient(client, token_for(user))

    return as_user


class BearerClient:
    """A test client that sends one bearer token with every request."""

    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def open(self, path: str, method: str = "GET", headers: dict | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self.open(path, "GET", **kwargs)

    def post(self, path, **kwargs):
        return self.open(path, "POST", **kwargs)

    def put(self, path, **kwargs):
        return self.open(path, "PUT", **kwargs)
