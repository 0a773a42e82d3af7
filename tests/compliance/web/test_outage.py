"""Which database errors are an outage (503, try again) and which stay a fault (500)."""

import sqlite3

import psycopg
import pytest
from sqlalchemy import exc

from compliance.web.outage import is_unavailable


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
