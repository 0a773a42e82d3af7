"""A database that drops out in the middle of a write: 503 with Retry-After, nothing half-written,
the audit chain intact, and the next request served by a recovered pool.

On PostgreSQL a second connection terminates the app's backends (`pg_terminate_backend`) just
before a chosen statement of the request, or just before its COMMIT; on SQLite a second
connection holds the write lock past the app's busy timeout.
"""
# ruff: noqa: F811 (the API's fixtures are imported, then named as test arguments)

import re
import sqlite3
import uuid

import psycopg
import pytest
import redis
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError

from compliance import checkpoints
from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from compliance.db import db as _db
from compliance.organisation import update_settings
from compliance.outbox import OutboxMessage
from compliance.verify import verify_database
from compliance.web import limiter, outage
from compliance.web.outage import RETRY_AFTER_SECONDS
from screening.lifecycle import CaseState
from screening.models import Candidate
from tests.conftest import fresh_database
from tests.screening.api.conftest import api, token_for  # noqa: F401 (fixtures)

APP_NAME = f"fs-outage-{uuid.uuid4().hex[:8]}"  # how the saboteur tells the app's backends
PROBLEM = "urn:fairscreen:problem:database-unavailable"
NEW = {"name": "Robin de Vries", "email": "robin@example.org", "language": "en"}


@pytest.fixture
def database_url(request, tmp_path) -> str:
    """PostgreSQL, unless a test asks for SQLite; the app's connections carry a name."""
    backend = getattr(request, "param", "postgresql")
    url = fresh_database(request, tmp_path, backend)
    return url if backend == "sqlite" else f"{url}&application_name={APP_NAME}"


@pytest.fixture
def app_config(request, database_url):
    config = {"API_RATE_LIMIT": "10000 per minute"}
    if getattr(request, "param", None) == "vault on postgresql":
        config["VAULT_DATABASE_URL"] = database_url  # its one table beside the app's
    return config


class Saboteur:
    """Terminate every backend of the app from a connection of its own, once, just before the
    nth statement that matches, or before the commit."""

    def __init__(self, engine, admin) -> None:
        self.engine, self.admin = engine, admin
        self.pattern: re.Pattern | None = None
        self.left = 0
        self.killed = 0
        self.after: list[str] | None = None  # what the app sent once its backends were gone
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def arm(self, pattern: str, nth: int = 1) -> None:
        # The test's own session lets go of its connection first: a server has no session
        # outside its requests.
        _db.session.rollback()
        self.pattern, self.left = re.compile(pattern), nth

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.after is not None:
            self.after.append(statement)
        self._maybe(statement)

    def _commit(self, conn) -> None:
        self._maybe("COMMIT")

    def _maybe(self, statement: str) -> None:
        if self.pattern is None or not self.pattern.search(statement):
            return
        self.left -= 1
        if self.left == 0:
            self.pattern = None
            self.kill()
            self.after = []

    def kill(self) -> None:
        with self.admin.connect() as connection:  # waits until each backend is gone
            self.killed = connection.execute(text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) "
                "FROM pg_stat_activity WHERE application_name = :name"),
                {"name": APP_NAME}).scalar_one()


@pytest.fixture
def saboteur(app, database_url):
    admin = create_engine(database_url.replace(f"&application_name={APP_NAME}", ""))
    yield Saboteur(_db.engine, admin)
    admin.dispose()


def test_a_terminated_backend_counts_as_a_lost_connection(db, saboteur):
    """The driver reports a terminated backend as a lost connection, which the pool retires:
    what the answers below rely on."""
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            saboteur.kill()
            with pytest.raises(DBAPIError) as lost:
                connection.execute(text("SELECT 2"))
            assert saboteur.killed >= 1
        assert lost.value.connection_invalidated
        with engine.connect() as connection:  # a fresh connection, at once
            assert connection.execute(text("SELECT 3")).scalar_one() == 3
    finally:
        engine.dispose()


@pytest.mark.parametrize("app_config", ["vault on postgresql"], indirect=True)
def test_connections_dropped_while_idle_are_replaced_before_a_request_uses_them(
        db, api, make_vacancy, saboteur):
    """pool_pre_ping, on the vault's engine as on the app's: the write needs both."""
    vacancy = make_vacancy()
    caller, path = api(vacancy.owner), f"/api/v1/vacancies/{vacancy.id}/candidates"
    assert db.engines["vault"].url.get_backend_name() == "postgresql"
    assert caller.post(path, json=NEW).status_code == 201  # a data key, made in the vault
    _db.session.rollback()
    saboteur.kill()  # every pooled connection of both engines, between two requests
    assert saboteur.killed >= 2
    response = caller.post(path, json=NEW)
    assert response.status_code == 201, response.get_data(as_text=True)[:500]


def test_a_rollback_on_a_dead_connection_does_not_stop_the_answer(app, db, saboteur):
    with app.test_request_context("/api/v1/vacancies", method="POST"):
        db.session.execute(text("SELECT 1"))  # the session holds a connection, then loses it
        saboteur.kill()
        outage.recover(psycopg.OperationalError("consuming input failed"))
        assert db.session.execute(text("SELECT 2")).scalar_one() == 2


def contents(saboteur: Saboteur) -> dict[str, str]:
    """A digest of every table's rows, read over the saboteur's own connection."""
    with saboteur.admin.connect() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "ORDER BY tablename")).scalars().all()
        return {t: connection.execute(text(
            f'SELECT md5(coalesce(string_agg(r::text, \'|\' ORDER BY r::text), \'\')) '
            f'FROM "{t}" r')).scalar_one() for t in tables}


def chain_verifies(db) -> bool:
    db.session.rollback()
    return verify_database(checkpoints.instance_public_key()).ok


def assert_problem(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= RETRY_AFTER_SECONDS  # or the rate window's
    body = response.get_json()
    assert body["type"] == PROBLEM and body["status"] == 503
    assert "Try again" in body["detail"] and "SELECT" not in body["detail"]


def assert_page(response, *texts: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) >= RETRY_AFTER_SECONDS
    for expected in texts:
        assert expected in page, expected
    return page


@pytest.mark.parametrize("moment", [("INSERT INTO audit_event", 1), ("COMMIT", 1),
                                    ("INSERT INTO candidate", 1)])
def test_an_api_write_cut_off_answers_503_and_leaves_nothing(db, api, make_vacancy, saboteur,
                                                              moment):
    vacancy = make_vacancy()
    caller = api(vacancy.owner)
    path = f"/api/v1/vacancies/{vacancy.id}/candidates"
    before = contents(saboteur)
    saboteur.arm(*moment)
    response = caller.post(path, json=NEW)
    assert saboteur.killed >= 1  # the request's own backend, and the pool's idle ones
    assert_problem(response)
    assert saboteur.after == []  # the answer asked the database nothing more
    assert contents(saboteur) == before
    assert chain_verifies(db)
    again = caller.post(path, json=NEW)
    assert again.status_code == 201, again.get_data(as_text=True)[:500]
    assert db.session.scalar(db.select(db.func.count(Candidate.id))) == 1
    assert chain_verifies(db)


def test_a_recruiter_form_cut_off_answers_a_page_in_their_language(db, client, login,
                                                                     make_vacancy, make_user,
                                                                     saboteur):
    recruiter = make_user(Role.RECRUITER)
    recruiter.language = "nl"
    db.session.commit()
    vacancy = make_vacancy(owner=recruiter)
    login(recruiter)
    path = f"/vacancies/{vacancy.id}/candidates/new"
    before = contents(saboteur)
    saboteur.arm("INSERT INTO audit_event")
    page = assert_page(client.post(path, data=NEW), "De dienst is even niet beschikbaar",
                       "uw laatste stap is niet voltooid", 'href="/"')
    assert "Dashboard" not in page  # no menu: it would read the user again
    assert saboteur.after == []  # the page asked the database nothing: it may still be down
    assert contents(saboteur) == before
    assert chain_verifies(db)
    again = client.post(path, data=NEW)
    assert again.status_code == 302 and "/candidates/" in again.headers["Location"]


def test_a_decision_cut_off_between_its_two_audit_events_keeps_the_case_as_it_was(
        db, client, login, make_candidate, saboteur):
    candidate = make_candidate()
    login(candidate.vacancy.owner)
    path, candidate_id = f"/candidates/{candidate.id}/decision", candidate.id
    decision = {"decision": "rejected", "reasons": "Another candidate had more experience."}
    before = contents(saboteur)
    saboteur.arm("INSERT INTO audit_event", nth=2)  # the move is in, the decision's is next
    assert_page(client.post(path, data=decision),
                "The service is briefly unavailable", "Back to the start page")
    assert saboteur.after == []
    assert contents(saboteur) == before
    assert chain_verifies(db)
    assert db.session.get(Candidate, candidate_id).state == CaseState.ADDED
    again = client.post(path, data=decision)
    assert again.status_code == 302
    db.session.rollback()
    assert db.session.get(Candidate, candidate_id).state == CaseState.DECIDED
    decided = db.select(db.func.count(AuditEvent.seq)).where(
        AuditEvent.action == AuditAction.CANDIDATE_DECIDED)
    assert db.session.scalar(decided) == 1


def consent_link(db) -> str:
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "consent_request").order_by(OutboxMessage.id.desc())).first()
    return "/consent/" + re.search(r"/consent/([\w-]+)", str(message.body)).group(1)


def agreement_asked(db, client, login, make_vacancy, make_candidate) -> tuple[str, int]:
    """A Dutch candidate asked for their agreement by a recruiter who then logged out: the
    link the candidate's mail holds, and the candidate's id."""
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1, Amsterdam",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    db.session.commit()
    vacancy = make_vacancy(allowed_sources=["rss"])
    candidate = make_candidate(vacancy, language="nl")
    login(vacancy.owner)
    assert client.post(f"/candidates/{candidate.id}/consent-request").status_code == 302
    client.post("/logout")
    return consent_link(db), candidate.id


@pytest.mark.parametrize("moment", ["INSERT INTO access_token", "COMMIT"])
def test_an_agreement_cut_off_is_not_half_recorded_and_can_be_given_again(
        db, client, login, make_vacancy, make_candidate, saboteur, moment):
    link, candidate_id = agreement_asked(db, client, login, make_vacancy, make_candidate)
    form = {"agree-rss": "yes", "account-rss": "https://blog.example.org/feed.xml",
            "keep-rss": "1"}
    before = contents(saboteur)
    # The portal link is the answer's last write: it commits with the answer, or neither does.
    saboteur.arm(moment)
    page = assert_page(client.post(link, data=form), "Dit lukte ons nu even niet",
                       "open dan je pagina opnieuw", f'href="{link}"')
    assert "/login" not in page and saboteur.after == []
    assert contents(saboteur) == before
    assert chain_verifies(db)
    assert client.get(link).status_code == 200  # still open for the answer
    again = client.post(link, data=form)
    assert again.status_code == 302 and "/portal/" in again.headers["Location"]
    db.session.rollback()
    assert db.session.get(Candidate, candidate_id).state == CaseState.CONSENTED


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_candidate_page_whose_rate_limit_cannot_be_counted_answers_in_the_portals_look(
        db, client, login, make_vacancy, make_candidate, monkeypatch):
    """Redis (the rate limits' store) away: the candidate is told to try again, in the
    portal's look, with the way back to the page their link opens. The limit is counted
    before the link is read, so the browser's language speaks."""
    link, _candidate_id = agreement_asked(db, client, login, make_vacancy, make_candidate)
    assert client.get(link).status_code == 200

    def gone(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Error 111 connecting. Connection refused.")

    monkeypatch.setattr(limiter.limiter, "hit", gone)
    page = assert_page(client.get(link, headers={"Accept-Language": "nl"}),
                       "Dit lukte ons nu even niet", f'href="{link}"')
    assert "/login" not in page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_locked_sqlite_database_answers_503_too(app, db, api, client, login, make_vacancy):
    vacancy = make_vacancy()
    caller = api(vacancy.owner)
    path = f"/api/v1/vacancies/{vacancy.id}/candidates"
    login(vacancy.owner)

    def short_wait(dbapi_connection, _record) -> None:  # after the app's own 10 s timeout
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    db.engine.dispose()
    event.listen(db.engine, "connect", short_wait)
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        assert_problem(caller.post(path, json=NEW))
        assert_page(client.post(f"/vacancies/{vacancy.id}/candidates/new", data=NEW),
                    "The service is briefly unavailable")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert caller.post(path, json=NEW).status_code == 201
    assert chain_verifies(db)
