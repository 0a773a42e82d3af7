"""Background work on huey: tasks are declared here by name and bound to an app at start.

Several consumers may share one Redis queue. Huey's Redis storage hands a task over by popping
it, so a task dies with a consumer killed while running it, and a Redis restarted without
persistence forgets every waiting one: the database, not the queue, records what must still
happen, and each kind of durable work declares a `recovery` sweep that hands the queue again
whatever it holds whose claim lapsed (see screening/run_leases.py and compliance/outbox.py).
Every consumer runs the sweeps (`flask worker`), so no single one is needed for recovery.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import Result

log = logging.getLogger(__name__)
_tasks: dict[str, Callable[..., Any]] = {}
_periodic: dict[str, tuple[Callable[..., Any], Any]] = {}
_recovery: dict[str, Callable[[], int]] = {}
RECOVERY_SECONDS = 30  # how often each consumer looks for work whose task was lost


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a background task; it runs inside an app context of the app it is bound to."""

    def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
        _tasks[name] = fn
        return fn

    return declare


def periodic(name: str, schedule: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a task the consumer runs on a huey `crontab` schedule."""

    def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
        _periodic[name] = (fn, schedule)
        return fn

    return declare


def recovery(name: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    """Declare a sweep that hands the queue again the work whose task was lost; returns a count.

    A sweep must be safe to run on every consumer at once: the work's own claim keeps it to one.
    """

    def declare(fn: Callable[[], int]) -> Callable[[], int]:
        _recovery[name] = fn
        return fn

    return declare


class SharedRedisHuey(RedisHuey):
    """Redis storage shared by several consumers, each running huey's scheduler.

    Every consumer's scheduler enqueues the periodic tasks due in a minute; only the first of
    them per task and minute counts, so a daily digest is not mailed once per consumer.
    """

    def read_periodic(self, timestamp: datetime | None) -> list:
        due = super().read_periodic(timestamp)
        slot = (timestamp or self._get_timestamp()).strftime("%Y%m%d%H%M")
        return [task for task in due if self.first(f"periodic.{task.name}.{slot}", 180)]

    def first(self, key: str, seconds: int) -> bool:
        """Take `key` for `seconds` unless another consumer did; False when Redis is away."""
        try:
            return bool(self.storage.conn.set(f"{self.name}.{key}", 1, nx=True, ex=seconds))
        except redis.RedisError:
            return False


def build_huey(app: Flask) -> Huey:
    """Make the app's queue: Redis when REDIS_URL is set, else SQLite in the instance folder."""
    immediate = bool(app.config["HUEY_IMMEDIATE"])
    name = app.config.get("HUEY_NAME", "fairscreen")
    if app.config.get("REDIS_URL"):
        # Timeouts, so that a consumer notices a restarted Redis and reconnects, instead of
        # waiting on a dead socket (blocking reads wait 1 s at a time).
        pool = redis.ConnectionPool.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=5, socket_timeout=10,
            health_check_interval=30, retry_on_timeout=True)
        return SharedRedisHuey(name, connection_pool=pool, immediate=immediate)
    filename = app.config.get("HUEY_SQLITE_PATH") or str(Path(app.instance_path) / "huey.db")
    return SqliteHuey(name, filename=filename, immediate=immediate)


def init_app(app: Flask) -> None:
    """Bind every declared task to this app's queue, kept in app.extensions."""
    huey = build_huey(app)
    bound = {name: huey.task(name=name)(_in_context(app, fn)) for name, fn in _tasks.items()}
    for name, (fn, schedule) in _periodic.items():
        bound[name] = huey.periodic_task(schedule, name=name)(_in_context(app, fn))
    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = bound


def _in_context(app: Flask, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        with app.app_context():
            return fn(*args, **kwargs)

    return run


def enqueue(name: str, *args: Any, **kwargs: Any) -> Result | Any:
    """Queue a declared task by name (run at once in immediate mode); commit before calling."""
    return current_app.extensions["huey_tasks"][name](*args, **kwargs)


def enqueue_in(seconds: float, name: str, *args: Any) -> Result | Any:
    """Queue a declared task to run after a delay (at once in immediate mode, as tests want)."""
    task_wrapper = current_app.extensions["huey_tasks"][name]
    if current_app.extensions["huey"].immediate:
        return task_wrapper(*args)
    return task_wrapper.schedule(args=args, delay=seconds)


def recover(app: Flask) -> dict[str, int]:
    """Run every recovery sweep once, each in its own app context; a failing one is logged."""
    handed: dict[str, int] = {}
    for name, sweep in _recovery.items():
        with app.app_context():
            try:
                handed[name] = sweep()
            except Exception as error:  # a database or Redis away: the next round tries again
                log.error("recovery %s failed: %s", name, type(error).__name__)
    return handed


class Recovery(threading.Thread):
    """Run the recovery sweeps now and then every QUEUE_RECOVERY_SECONDS, in the background.

    With several consumers on Redis, one of them sweeps per interval.
    """

    def __init__(self, app: Flask):
        super().__init__(name="fairscreen-recovery", daemon=True)
        self.app, self.stopping = app, threading.Event()
        self.seconds = float(app.config.get("QUEUE_RECOVERY_SECONDS", RECOVERY_SECONDS))

    def run(self) -> None:
        huey = self.app.extensions["huey"]
        while not self.stopping.is_set():
            slot = int(time.time() // self.seconds)
            if not isinstance(huey, SharedRedisHuey) or huey.first(f"recovery.{slot}",
                                                                    int(self.seconds) + 1):
                recover(self.app)
            self.stopping.wait(self.seconds - time.time() % self.seconds)

    def stop(self) -> None:
        """Stop after the sweep under way, if any, and wait for it."""
        self.stopping.set()
        self.join()


def start_recovery(app: Flask) -> Recovery:
    """Start the recovery sweeps of this consumer (see `Recovery`)."""
    recovery_thread = Recovery(app)
    recovery_thread.start()
    return recovery_thread
