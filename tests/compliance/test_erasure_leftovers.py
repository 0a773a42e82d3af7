"""After erasure, no file in the instance folder holds the subject's data or its secrets.

The attack: copy the instance folder of a running SQLite instance (the databases with their
-wal and -shm files, and whatever else is there) right after a candidate was erased, and grep it.
Personal fields are sealed, so clear text must never be there; the subject's pseudonym secret
and its wrapped data key are stored as they are, so only secure deletion and a truncated
write-ahead log make them go away.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select, text

from compliance import vault
from compliance.accounts import Role
from compliance.outbox import OutboxMessage
from compliance.subjects import Subject
from screening.runs import Finding
from tests.screening.case.conftest import (  # noqa: F401
    FAST,
    IRRELEVANT,
    RELEVANT,
    WITHHELD,
    allow_loopback,
    feed,
    organisation,
    server,
)
from tests.screening.sources.conftest import _server4, reply  # noqa: F401

NAME = "Zofia Quarshie-Vandermeer"
EMAIL = "zofia.q.vandermeer@example.org"
FEED_HANDLE = "zq-vandermeer-blog"
GITHUB_HANDLE = "zqvandermeer77"
COMMENT = "That migration was a team effort of ours; I wrote the zq-pytest fixtures myself."
JSON = "application/json; charset=utf-8"


@pytest.fixture
def database_url(sqlite_template, tmp_path) -> str:
    """The application database in the instance folder, where `init` puts it."""
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "fairscreen.db")
    return f"sqlite:///{instance / 'fairscreen.db'}"


@pytest.fixture
def app_config(server):  # noqa: F811
    return {"SOURCE_CLIENT_SETTINGS": FAST, "SOURCE_BASE_URLS": {"github": server.base}}


@pytest.fixture
def accounts(server) -> str:  # noqa: F811
    """Serve the candidate's blog feed and GitHub profile; return the feed's address."""
    user = {"login": GITHUB_HANDLE, "name": NAME, "html_url": f"https://github.com/{GITHUB_HANDLE}"}
    server.serve(f"/users/{GITHUB_HANDLE}", json.dumps(user).encode(), JSON)
    server.serve(f"/users/{GITHUB_HANDLE}/events/public", b"[]", JSON)
    server.serve(f"/users/{GITHUB_HANDLE}/repos", b"[]", JSON)
    return server.route(f"/~{FEED_HANDLE}/feed.xml", lambda h: reply(
        h, 200, feed([RELEVANT, WITHHELD, IRRELEVANT]), "application/rss+xml"))


def link(db, kind: str, which: str) -> str:
    db.session.rollback()
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                 .order_by(OutboxMessage.id.desc())).first()
    return re.search(rf"/{which}/[\w-]+", str(message.body)).group(0)


def run_the_case(client, db, login, recruiter, candidate, feed_url: str) -> str:
    """Consent, screening, review, the candidate's comment, the decision; return the portal."""
    login(recruiter)
    assert client.post(f"/candidates/{candidate.id}/consent-request").status_code == 302
    answer = client.post(link(db, "consent_request", "consent"), data={
        "agree-rss": "yes", "account-rss": feed_url,
        "agree-github": "yes", "account-github": GITHUB_HANDLE, "agree-x-archive": "no"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:800]
    assert client.post(f"/candidates/{candidate.id}/screening").status_code == 302
    db.session.rollback()
    finding = db.session.scalars(select(Finding)).one()
    portal = link(db, "screened_notice", "portal")
    assert client.post(f"{portal}/findings/{finding.id}/context",
                       data={"context": COMMENT}).status_code == 302
    review = client.get(f"/candidates/{candidate.id}/findings").get_data(as_text=True)
    assert "zq-pytest fixtures" in review
    # A rejection waits for the comment window: the candidate says they have said enough.
    assert client.post(f"{portal}/waive").status_code == 302
    assert client.post(f"/candidates/{candidate.id}/decision", data={
        "decision": "rejected", "reasons": "Less Django experience."}).status_code == 302
    assert client.get(f"{portal}/access.pdf").status_code == 200
    return portal


def instance_bytes(folder: Path) -> dict[str, bytes]:
    """Read every file under the instance folder, as a copy of it would hold them."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def found_in(files: dict[str, bytes], needles: dict[str, bytes]) -> list[tuple[str, str]]:
    return [(what, name) for what, needle in needles.items()
            for name, data in files.items() if needle in data]


def test_an_erased_subject_leaves_nothing_in_the_instance_folder(
        app, client, db, login, make_user, make_vacancy, make_candidate, accounts):
    recruiter = make_user(Role.RECRUITER)
    vacancy = make_vacancy(owner=recruiter, criteria=["Python", "Django", "PostgreSQL", "pytest"],
                           allowed_sources=["rss", "github", "x-archive"])
    # Others share the erased subject's pages: what is deleted there must be overwritten.
    bystanders = [make_candidate(vacancy, email=f"other{n}@example.org") for n in range(2)]
    candidate = make_candidate(vacancy, name=NAME, email=EMAIL)
    bystanders.append(make_candidate(vacancy, email="other2@example.org"))
    kept_secrets = [b.subject.pseudonym_secret for b in bystanders]
    portal = run_the_case(client, db, login, recruiter, candidate, accounts)

    db.session.rollback()
    excerpt = db.session.scalars(select(Finding.excerpt)).one()
    subject_id = candidate.subject_id
    subject = db.session.get(Subject, subject_id)
    key_id, secret = subject.key_id, subject.pseudonym_secret
    with vault.engine().connect() as connection:
        wrapped = connection.execute(select(vault.data_key_table.c.wrapped).where(
            vault.data_key_table.c.key_id == key_id)).scalar_one()
    folder = Path(app.instance_path)
    assert Path(db.engine.url.database).parent == folder
    assert Path(vault.engine().url.database).parent == folder
    secrets = {"wrapped data key": wrapped, "pseudonym secret": secret}
    clear = {"e-mail address": EMAIL, "name": NAME, "feed handle": FEED_HANDLE,
             "GitHub handle": GITHUB_HANDLE, "post": RELEVANT[:60], "withheld post": WITHHELD,
             "private post": IRRELEVANT, "third party": "Pieter de Jong",
             "excerpt": excerpt, "comment": COMMENT}
    needles = {**secrets, **{what: value.encode() for what, value in clear.items()}}
    before = instance_bytes(folder)
    # Guard the scan: it sees the secrets, in the live files where they are stored as they are.
    assert {what for what, _name in found_in(before, needles)} >= set(secrets)
    assert any(name.endswith("fairscreen.db-wal") for name in before)

    erased = client.post(f"{portal}/rights", data={"right": "erasure", "confirm": "yes"})
    assert "Your data has been erased." in erased.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Subject, subject_id) is None
    assert db.session.execute(text("SELECT count(*) FROM candidate")).scalar() == len(bystanders)

    after = instance_bytes(folder)
    assert found_in(after, needles) == []
    assert all(any(kept in data for data in after.values()) for kept in kept_secrets)
