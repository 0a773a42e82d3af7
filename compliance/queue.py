"""Background work on huey: tasks are declared here by name and bound to an app at start."""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import Result

_tasks: dict[str, Callable[..., Any]] = {}
_periodic: dict[str, tuple[Callable[..., Any], Any]] = {}


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


def build_huey(app: Flask) -> Huey:
    """Make the app's queue: Redis when REDIS_URL is set, else SQLite in the instance folder."""
    immediate = bool(app.config["HUEY_IMMEDIATE"])
    name = app.config.get("HUEY_NAME", "fairscreen")
    if app.config.get("REDIS_URL"):
        return RedisHuey(name, url=app.config["REDIS_URL"], immediate=immediate)
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
