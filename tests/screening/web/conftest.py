"""Fixtures the recruiter's pages' tests share."""

import pytest

from compliance.accounts import Role


@pytest.fixture
def recruiter(make_user, login):
    """A recruiter, logged in on the `client`."""
    user = make_user(Role.RECRUITER)
    login(user)
    return user
