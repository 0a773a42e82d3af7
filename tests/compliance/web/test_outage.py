"""Which database errors are an outage (503, try again) and which stay a fault (500)."""

import sqlite3

import psycopg
import pytest
import redis
from sqlalchemy import exc

from compliance.accounts import Role, User, create_user
from compliance.api_tokens import create_token
from compliance.db import db
from compliance.web import limiter
from compliance.web.outage import RETRY_AFTER_SECONDS, is_unavailable
from screening.app import create_app
from tests.conftest import PASSWORD, base_config, free_port


def real_sqlite_error(tmp_path, kind: str) -> sqlite3.OperationalError:
    """Provoke the error from SQLite itself, with its error code."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        if kind == "locked":
            holder.execute("CREATE TABLE t (x)")
            holder.execute("BEGIN IMMEDIATE")
            other.execute("BEGIN IMMEDIATE")
        else:
            other.execute("SELECT * FROM no_such_table")
    except sqlite3.OperationalError as error:
        return error
    finally:
        holder.close()
        other.close()
    raise AssertionError("SQLite raised nothing")


def wrapped(orig: Exception, kind=exc.OperationalError, invalidated: bool = False):
    return kind("INSERT INTO candidate ...", {}, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize("make, outage", [
    (lambda t: real_sqlite_error(t, "locked"), True),
    (lambda t: wrapped(real_sqlite_error(t, "locked")), True),
    (lambda t: sqlite3.OperationalError("database is locked"), True),
    (lambda t: real_sqlite_error(t, "no table"), False),  # a fault in the code, not an outage
    (lambda t: wrapped(real_sqlite_error(t, "no table")), False),
    (lambda t: wrapped(psycopg.errors.AdminShutdown("terminating connection")), True),
    (lambda t: psycopg.OperationalError("consuming input failed"), True),
    (lambda t: wrapped(psycopg.errors.DeadlockDetected("deadlock detected")), True),
    (lambda t: wrapped(psycopg.InterfaceError("the connection is closed"),
                       exc.InterfaceError, invalidated=True), True),
    (lambda t: exc.DisconnectionError("gone"), True),
    (lambda t: exc.TimeoutError("QueuePool limit reached"), True),
    (lambda t: wrapped(psycopg.errors.UniqueViolation("duplicate key"), exc.IntegrityError),
     False),
    (lambda t: ValueError("not a database error"), False),
])
def test_only_a_lost_or_busy_database_is_an_outage(tmp_path, make, outage):
    assert is_unavailable(make(tmp_path)) is outage


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_fault_in_a_query_stays_a_server_error(app):
    """Only outages become 503: a broken query is a 500, as before (raised here in testing)."""
    def broken():
        raise wrapped(psycopg.errors.UniqueViolation("duplicate key"), exc.IntegrityError)

    app.add_url_rule("/broken-for-test", view_func=broken)
    app.add_url_rule("/api/broken-for-test", endpoint="api_broken", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken-for-test")
    assert response.status_code == 500
    response = app.test_client().get("/api/broken-for-test")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"


# The rate limits' store: Redis in production. When it cannot be reached, a limited route
# fails closed with the outage's 503, never a 500 and never an uncounted guess.

@pytest.fixture
def dead_store(database_url, tmp_path, monkeypatch):
    """An app whose rate limits live in a Redis that is not there (a closed port).

    The limiter is one object that each app sets up again, so this test makes no other app
    (`make_user` would): its user is made here."""
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(
        database_url, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def staff() -> User:
    user = create_user("recruiter@example.test", "Rita", PASSWORD, Role.RECRUITER,
                       actor="system")
    db.session.commit()
    return user


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_login_whose_limit_cannot_be_counted_is_refused_for_now(dead_store):
    user = staff()
    client = dead_store.test_client()
    assert client.get("/login").status_code == 200  # only the password is limited
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "briefly unavailable" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # not logged in


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_api_call_whose_limit_cannot_be_counted_answers_a_problem(dead_store):
    user = staff()
    _token, token = create_token(user, "ATS", actor=user)
    db.session.commit()
    response = dead_store.test_client().get(
        "/api/v1/vacancies", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["type"].endswith("rate-limit-store-unavailable")
    assert "not carried out" in response.json["detail"]
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_store_lost_after_the_view_ran_is_a_503_not_a_500(app, make_user, monkeypatch):
    """Redis may go between the check and the answer's X-RateLimit headers."""
    def gone(*args, **kwargs):
        raise redis.exceptions.ConnectionError("Connection closed by server.")

    user = make_user()
    client = app.test_client()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _token, token = create_token(user, "ATS", actor=user)
    db.session.commit()
    monkeypatch.setattr(limiter.limiter, "get_window_stats", gone)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    # The API says what a client needs to know: the request was carried out.
    response = client.get("/api/v1/vacancies", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.json["type"].endswith("rate-limit-store-unavailable")
    assert "was carried out" in response.json["detail"]
