"""Background work on huey: SQLite storage by default, Redis when configured, consumed for real."""

import os
import uuid

import pytest
import redis
from huey import RedisHuey, SqliteHuey
from sqlalchemy import func, select

from compliance import queue
from compliance.accounts import User
from compliance.db import db as _db

# A database of its own for each pytest-xdist worker (15, 14, ...): a test that counts or
# deletes the limiter's keys must not see another worker's.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("FAIRSCREEN_TEST_REDIS", f"redis://127.0.0.1:6379/{15 - _WORKER % 15}")


@queue.task("tests.count_users")
def count_users(offset: int) -> int:
    """Read the database from inside the task, to show it runs in an app context."""
    return _db.session.scalar(select(func.count(User.id))) + offset


def redis_reason() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at {REDIS_URL} does not answer ({type(error).__name__})"
    return None


def consume_one(app, result):
    consumer = app.extensions["huey"].create_consumer(workers=1, worker_type="thread",
                                                      periodic=False)
    consumer.start()
    try:
        return result.get(blocking=True, timeout=20)
    finally:
        consumer.stop(graceful=True)


def test_immediate_mode_in_unit_tests(app, make_user):
    make_user()
    assert app.extensions["huey"].immediate
    assert queue.enqueue("tests.count_users", 10)() == 11


@pytest.mark.parametrize("app_config", [{"HUEY_IMMEDIATE": False}])
def test_sqlite_queue_in_the_instance_folder_is_consumed(app, make_user):
    make_user()
    huey = app.extensions["huey"]
    assert isinstance(huey, SqliteHuey)
    assert huey.storage.filename.startswith(app.instance_path)
    result = queue.enqueue("tests.count_users", 1)
    assert huey.pending_count() == 1
    assert consume_one(app, result) == 2


@pytest.mark.parametrize("app_config", [{"HUEY_IMMEDIATE": False, "REDIS_URL": REDIS_URL,
                                         "HUEY_NAME": f"fairscreen-test-{uuid.uuid4().hex}"}])
def test_redis_queue_when_configured(app, make_user):
    reason = redis_reason()
    if reason:
        pytest.skip(reason)
    make_user()
    huey = app.extensions["huey"]
    assert isinstance(huey, RedisHuey)
    try:
        result = queue.enqueue("tests.count_users", 5)
        assert consume_one(app, result) == 6
    finally:
        huey.storage.flush_all()


@pytest.mark.parametrize("app_config", [{"REDIS_URL": REDIS_URL}])
def test_login_limits_are_shared_through_redis_when_configured(app):
    from compliance.web import limiter

    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    assert type(limiter.storage).__name__ == "RedisStorage"


def consumer_of(app):
    """Another process's queue, with every task bound, as `flask worker` makes it."""
    from flask import Flask

    other = Flask("other")
    other.config.update({k: app.config[k] for k in ("HUEY_IMMEDIATE", "REDIS_URL", "HUEY_NAME")})
    queue.init_app(other)
    return other.extensions["huey"]


@pytest.mark.parametrize("app_config", [{"HUEY_IMMEDIATE": False, "REDIS_URL": REDIS_URL,
                                         "HUEY_NAME": f"fairscreen-test-{uuid.uuid4().hex}"}])
def test_several_consumers_enqueue_a_periodic_task_once_a_minute(app):
    """Every consumer's scheduler finds the same periodic tasks due; the first one counts."""
    from datetime import datetime

    reason = redis_reason()
    if reason:
        pytest.skip(reason)
    huey = app.extensions["huey"]
    others = [consumer_of(app) for _ in range(2)]  # two more consumers on the same queue
    minute = datetime(2026, 12, 6, 3, 7)
    try:
        due = [{t.name for t in h.read_periodic(minute)} for h in [huey, *others]]
        assert "audit.head_digest" in due[0] and due[1] == due[2] == set()
        assert "audit.head_digest" in {t.name for t in others[0].read_periodic(
            minute.replace(hour=4))}  # the next hour it is due again
    finally:
        huey.storage.conn.delete(*huey.storage.conn.keys(f"{huey.name}.periodic.*"))
        huey.storage.flush_all()


@pytest.mark.parametrize("app_config", [{"HUEY_IMMEDIATE": False, "QUEUE_RECOVERY_SECONDS": 1}])
def test_a_consumer_runs_the_recovery_sweeps_at_start_and_then_every_interval(app, monkeypatch):
    import threading

    ran = []
    every_second = threading.Event()

    def sweep() -> int:
        ran.append(_db.session.scalar(select(func.count(User.id))))  # in an app context
        if len(ran) == 3:
            every_second.set()
        return 0

    monkeypatch.setattr(queue, "_recovery", {"tests.sweep": sweep})
    recovery = queue.start_recovery(app)
    try:
        assert every_second.wait(10)
    finally:
        recovery.stop()
    assert ran[:3] == [0, 0, 0] and not recovery.is_alive()
