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

REDIS_URL = os.environ.get("FAIRSCREEN_TEST_REDIS", "redis://127.0.0.1:6379/15")


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
