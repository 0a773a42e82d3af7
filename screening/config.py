"""Configuration: defaults, then the instance's generated secrets, then FAIRSCREEN_* variables."""

import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

from flask import Flask

from compliance import witness
from compliance.keys import KEY_NAMES
from compliance.policy import DEFAULT_JURISDICTION, Jurisdiction

PREFIX = "FAIRSCREEN"
SECRETS_FILE = "secrets.json"
# Secrets that have no safe default: the app refuses to start without them.
APP_SECRETS = ("SECRET_KEY",)
REQUIRED_SECRETS = (*APP_SECRETS, *KEY_NAMES)

DEFAULTS = {
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "fairscreen_session",
    "IDLE_TIMEOUT_MINUTES": 30,
    "SESSION_MAX_HOURS": 12,  # a session ends this long after login, however busy
    "LOGIN_RATE_LIMIT": "5 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "10 per hour",  # failed logins per account, from any address
    "PORTAL_RATE_LIMIT": "60 per minute",
    # A fresh link asked for from a dead one: per typed address and per dead link.
    "FRESH_LINK_RATE_LIMIT": "3 per hour",
    "ACCOUNT_CHECK_SECONDS": 5,  # how long the portal waits to see an account answer
    "BABEL_DEFAULT_LOCALE": "en",
    # Dates and times on pages, in e-mails and in PDFs are in this zone (stored in UTC).
    "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
    "LANGUAGES": ["en", "nl"],
    "HUEY_IMMEDIATE": False,
    # A process folds the read journal into the audit chain at most this often from requests
    # (compliance/read_journal.py); any other append and the minute's sweep fold it too.
    "READ_FOLD_SECONDS": 0.1,
    "WORKERS": 2,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,  # also the largest export a candidate can upload
    # The budget of an uploaded export's ZIP (screening.sources.archives.ArchiveLimits).
    "EXPORT_MAX_UNPACKED_MB": 64,
    "EXPORT_MAX_FILE_MB": 48,
    "EXPORT_MAX_ENTRIES": 2000,
    "EXPORT_MAX_RATIO": 100,
    # The unsigned head is what a database owner could rewrite unseen: keep it minutes old.
    "AUDIT_CHECKPOINT_EVERY": 100,
    "AUDIT_CHECKPOINT_MINUTES": 5,
    "RETENTION_BATCH": 5000,  # subjects erased per committed batch of a sweep
    "API_RATE_LIMIT": "120 per minute",  # per personal API token
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After and X-RateLimit-* on limited routes
    # The country whose rules a new organisation starts with (compliance.policy.PRESETS);
    # the administrator can change it in the settings afterwards.
    "JURISDICTION": DEFAULT_JURISDICTION.value,
}


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to set."""


def instance_path() -> str:
    """Return the absolute instance folder from FAIRSCREEN_INSTANCE_PATH (default ./instance)."""
    return str(Path(os.environ.get(f"{PREFIX}_INSTANCE_PATH", "instance")).resolve())


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in order: defaults, instance secrets, environment, test mapping."""
    app.config.update(DEFAULTS)
    app.config.from_file(SECRETS_FILE, load=json.load, silent=True)
    app.config.from_prefixed_env(PREFIX)
    if test_config:
        app.config.update(test_config)
    _read_key_files(app)
    _derive(app)
    problem = witness.location_problem(app.config)
    if problem:
        raise ConfigError(problem)
    missing = [name for name in REQUIRED_SECRETS if not app.config.get(name)]
    if missing and not app.testing and not _running_init():
        raise ConfigError(
            f"{PREFIX}_{missing[0]} is not set. Set it in the environment, or run "
            f"`flask --app wsgi init` (or `keys init`) to generate it into "
            f"{Path(app.instance_path) / SECRETS_FILE}."
        )


def _read_key_files(app: Flask) -> None:
    """Take a key from the file FAIRSCREEN_<NAME>_FILE names, over any other source: keys can
    live outside the instance folder (a mounted secret), apart from the data they protect."""
    for name in KEY_NAMES:
        path = app.config.get(f"{name}_FILE")
        if not path:
            continue
        try:
            app.config[name] = Path(path).expanduser().read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{PREFIX}_{name}_FILE names {path}, which cannot be read "
                              f"({type(error).__name__}).") from None


def _derive(app: Flask) -> None:
    """Turn the short public names into the settings the extensions read."""
    config = app.config
    database_url = config.get("DATABASE_URL") or (
        f"sqlite:///{Path(app.instance_path) / 'fairscreen.db'}"
    )
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    config.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
    # The key vault is a database of its own, so that backups of the data never hold its keys.
    vault_url = config.get("VAULT_DATABASE_URL") or (
        f"sqlite:///{Path(app.instance_path) / 'vault.db'}"
    )
    if vault_url.startswith("postgresql://"):
        vault_url = "postgresql+psycopg://" + vault_url.removeprefix("postgresql://")
    config.setdefault("SQLALCHEMY_BINDS", {"vault": vault_url})
    config.setdefault("RATELIMIT_STORAGE_URI", config.get("REDIS_URL") or "memory://")
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=int(config["IDLE_TIMEOUT_MINUTES"]))
    # The cookie is resent when the session changes: enforce_limits changes it once a minute
    # of use (sessions.SEEN_EVERY_SECONDS), which also renews its expiry.
    config["SESSION_REFRESH_EACH_REQUEST"] = False
    hours = config["SESSION_MAX_HOURS"]
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 720:
        raise ConfigError(f"{PREFIX}_SESSION_MAX_HOURS must be a number of hours above 0 "
                          f"and at most 720, not {hours!r}.")
    fold = config["READ_FOLD_SECONDS"]
    if isinstance(fold, bool) or not isinstance(fold, int | float) or not 0 <= fold <= 60:
        raise ConfigError(f"{PREFIX}_READ_FOLD_SECONDS must be a number of seconds from 0 to "
                          f"60, not {fold!r}.")
    if config["JURISDICTION"] not in set(Jurisdiction):
        raise ConfigError(f"{PREFIX}_JURISDICTION must be one of "
                          f"{', '.join(Jurisdiction)}, not {config['JURISDICTION']!r}.")


def _running_init() -> bool:
    """Tell whether this process is `flask ... init`, the one command that creates the secrets."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return False
    args = iter(sys.argv[1:])
    for arg in args:
        if arg in ("--app", "-A", "--env-file", "-e"):
            next(args, None)
        elif not arg.startswith("-"):
            return arg == "init" or (arg == "keys" and next(args, None) == "init")
    return False


def write_secrets(path: Path) -> list[str]:
    """Generate any missing secret into the instance's secrets file (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(path.read_text()) if path.exists() else {}
    created = [name for name in APP_SECRETS if not existing.get(name)]
    for name in created:
        existing[name] = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(existing, handle, indent=2)
    os.chmod(path, 0o600)
    return created
