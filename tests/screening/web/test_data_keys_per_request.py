"""A subject's data key is unwrapped once per request, however many of its fields the request
reads, and never kept past the request: a key destroyed between two requests (an erasure in
another process) leaves the second with nothing to read, as crypto-shredding promises."""

from collections import Counter
from datetime import timedelta

import pytest

from compliance import vault
from compliance.db import utcnow
from compliance.personal import ERASED
from screening.findings import Finding

NAME = "Jamie Jansen"


@pytest.fixture
def candidate(db, recruiter, make_vacancy, make_candidate):
    candidate = make_candidate(make_vacancy(owner=recruiter), name=NAME)
    for i in range(5):
        db.session.add(Finding(candidate_id=candidate.id, subject=candidate.subject,
                               source_kind="rss", account="https://blog.example.org/feed",
                               url=f"https://blog.example.org/p/{i}",
                               published=utcnow() - timedelta(days=i + 1),
                               excerpt=f"Shipped Django, part {i}.", matched=["Django"]))
    db.session.commit()
    return candidate


@pytest.fixture
def spies(monkeypatch):
    """Count, per data key, the unwraps and the fields opened (the real functions still run)."""
    unwrapped, opened = Counter(), Counter()
    unwrap, decrypt = vault._unwrap, vault.decrypt

    def counting_unwrap(key_id, *args):
        unwrapped[key_id] += 1
        return unwrap(key_id, *args)

    def counting_decrypt(token):
        opened[vault.key_id_of(token)] += 1
        return decrypt(token)

    monkeypatch.setattr(vault, "_unwrap", counting_unwrap)
    monkeypatch.setattr(vault, "decrypt", counting_decrypt)
    return unwrapped, opened


@pytest.mark.parametrize("page", ["/candidates/{id}", "/candidates/{id}/findings",
                                  "/api/v1/candidates/{id}"])
def test_one_unwrap_per_request_however_many_fields(client, db, recruiter, candidate, spies,
                                                    page):
    from compliance.api_tokens import create_token

    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    unwrapped, opened = spies
    key_id = candidate.subject.key_id
    url = page.format(id=candidate.id)
    headers = {"Authorization": f"Bearer {raw}"} if url.startswith("/api/") else {}
    for request_number in (1, 2):
        before = opened[key_id]
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert NAME in response.get_data(as_text=True)
        assert opened[key_id] - before >= 2  # several of the subject's fields were read...
        assert unwrapped[key_id] == request_number  # ...under one unwrap, afresh per request


@pytest.mark.parametrize("page", ["/candidates/{id}", "/api/v1/candidates/{id}"])
def test_a_key_destroyed_between_two_requests_is_gone_for_the_second(client, db, recruiter,
                                                                      candidate, page):
    from compliance.api_tokens import create_token

    _token, raw = create_token(recruiter, "ATS", actor=recruiter)
    db.session.commit()
    url = page.format(id=candidate.id)
    headers = {"Authorization": f"Bearer {raw}"} if url.startswith("/api/") else {}
    first = client.get(url, headers=headers)
    assert first.status_code == 200 and NAME in first.get_data(as_text=True)
    # Shredded as an erasure does, from outside the request that read it (another process
    # would not even share this memory): the rows are still there, the key is not.
    assert vault.shred([candidate.subject.key_id]) == 1
    second = client.get(url, headers=headers)
    text = second.get_data(as_text=True)
    assert NAME not in text and "jamie@example.org" not in text
    assert second.status_code == 200 and ERASED in text
