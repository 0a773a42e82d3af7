"""Shared fixtures: an app on each real database, clients, and factories for test data."""

import atexit
import functools
import os
import shutil
import socket
import tempfile
import uuid
from pathlib import Path

import jinja2
import pyotp
import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text, update
from werkzeug.routing import Rule

from compliance import second_factor, vault
from compliance.accounts import Role, User, create_user
from compliance.db import db as _db
from screening.app import create_app
from screening.candidates import add_candidate
from screening.classifier.pipeline import build_pipeline
from screening.setup_commands import MIGRATIONS
from screening.vacancies import create_vacancy

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PG_SERVER = os.environ.get("FAIRSCREEN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery staple"
# Fixed keys for tests only: master key ring, audit signing key, blind-index key.
TEST_KEYS = {
    "MASTER_KEY": "642dc4bd:V7afQoCz80w6MCgwzu9xU566quu-3DI9faUXXotstBY=",
    "AUDIT_SIGNING_KEY": "3b-c4u88rbi9Ps1EHzM3-AAR24BSlpREPvWy3RaRTNc=",
    "BLIND_INDEX_KEY": "N8eLBZsRp4ELaCzugfbieC8LRp2DFujDBGfr2tOBtmM=",
}

# Not FAIRSCREEN_*: the app reads every such variable as a setting.
LEXICON_PIPELINES_ENV = "TESTS_LEXICON_PIPELINES"


@functools.cache
def lexicon_pipelines() -> dict[str, str]:
    """Saved pipelines with the lexicon layer only, for the tests of flows.

    The trained layer withholds most short professional posts at the threshold that
    cross-validation sets (see screening/classifier/trained/CROSSVAL.md), so a flow that needs
    a finding to review could not be tested with it. Flows run on the lexicons alone; the
    trained layer has its own tests in tests/screening/classifier, which load it directly.

    The child processes of the multi-process tests (tests/compliance/workers.py) inherit the
    folder through the environment rather than build it again (seconds each).
    """
    if shared := os.environ.get(LEXICON_PIPELINES_ENV):
        folder = Path(shared)
    else:
        folder = Path(tempfile.mkdtemp(prefix="fairscreen-lexicon-pipelines-"))
        atexit.register(shutil.rmtree, folder, True)
        for lang in ("en", "nl"):
            build_pipeline(lang).to_disk(folder / lang)
        os.environ[LEXICON_PIPELINES_ENV] = str(folder)
    return {"NLP_PIPELINE_EN": str(folder / "en"), "NLP_PIPELINE_NL": str(folder / "nl")}


def base_config(database_url: str, **overrides) -> dict:
    config = {
        **lexicon_pipelines(),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "HUEY_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "PORTAL_RATE_LIMIT": "1000 per minute",
        "SESSION_COOKIE_SECURE": False,
        "PASSWORD_HASHING": "cheapest",
        # Each request chains its reads, so a test sees them in the log at once; the cadence
        # a production process keeps is tested in tests/compliance/test_read_journal.py.
        "READ_FOLD_SECONDS": 0,
        **TEST_KEYS,
    }
    config.update(overrides)
    return config


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure means: no server to test against
        return f"PostgreSQL at {PG_SERVER} does not answer ({type(error).__name__})"
    return None


@pytest.fixture(scope="session", autouse=True)
def report_signing_identity(tmp_path_factory):
    """Give every app one self-signed report signing identity, as `keys init` would."""
    from compliance.reports.signing import SigningFiles, create_self_signed

    folder = tmp_path_factory.mktemp("signing")
    files = SigningFiles(folder / "key.pem", folder / "cert.pem")
    create_self_signed(files, "Fairscreen tests")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAIRSCREEN_REPORT_SIGNING_KEY_FILE", str(files.key))
        patch.setenv("FAIRSCREEN_REPORT_SIGNING_CERT_FILE", str(files.cert))
        yield files


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """Migrate one SQLite database per session; each test gets a copy."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    app = create_app(base_config(f"sqlite:///{path}", HUEY_SQLITE_PATH=str(folder / "h.db")))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        _db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema(tmp_path_factory):
    """Migrate a private schema on the PostgreSQL server once per session, then drop it."""
    reason = _postgres_reason()
    if reason:
        print(f"\nSkipping the PostgreSQL runs: {reason}")
        yield None, reason
        return
    schema = f"fs_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    folder = tmp_path_factory.mktemp("pg-template")
    app = create_app(base_config(url, HUEY_SQLITE_PATH=str(folder / "h.db")))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        _db.engine.dispose()
    yield url, None
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _reset_postgres(url: str) -> None:
    """Empty every table but Alembic's and restart the sequences, as TRUNCATE ... RESTART
    IDENTITY would; the test role may bypass the audit triggers.

    DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE of 25 tables costs about half
    a second (it swaps every table's files), DELETE a few milliseconds.
    """
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version'"
        )).scalars().all()
        # Replica mode skips the triggers, foreign keys' among them, so the order is free.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            connection.execute(text(f'DELETE FROM "{table}"'))
        connection.execute(text(
            "SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false) "
            "FROM pg_sequences WHERE schemaname = current_schema()"))
    engine.dispose()


def fresh_database(request, tmp_path, backend: str) -> str:
    """Return the URL of a freshly migrated, empty database on `backend` for this test."""
    if backend == "sqlite":
        path = tmp_path / "fairscreen.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url, reason = request.getfixturevalue("postgres_schema")
    if reason:
        pytest.skip(reason)
    _reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A freshly migrated, empty database on each backend."""
    return fresh_database(request, tmp_path, request.param)


@pytest.fixture
def app_config() -> dict:
    """Override to change the configuration of the `app` fixture in a module."""
    return {}


class IsolatedClient(FlaskClient):
    """Give every request its own app context (session, g), as a real server does."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class SharedBytecode(jinja2.BytecodeCache):
    """Compile each template once per test process, not once per test's app.

    Every test builds its own app, and with it a Jinja environment that would compile every
    page it renders from source again (tens of milliseconds a page). The apps are configured
    alike, so their compiled code is the same; Jinja checks each entry against its template's
    source before using it.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedBytecode()

_BUILDERS: dict[tuple, object] = {}


@pytest.fixture(scope="session", autouse=True)
def shared_url_builders():
    """Compile each URL rule's builder functions once per test process, not once per app.

    Werkzeug writes two functions per rule as Python syntax trees and compiles them when an
    app adds the rule: about half of what building one of our apps costs, ~100 rules a test.
    A builder depends only on what the key holds (the rule's parts, its defaults and its
    converters' kinds) and takes the rule itself as its first argument, so apps can share it.
    """
    compile_builder = Rule._compile_builder

    def shared(rule: Rule, append_unknown: bool = True):
        key = (rule.rule, tuple(rule._trace), append_unknown,
               repr(sorted((rule.defaults or {}).items())),
               tuple((name, type(c), c.regex) for name, c in rule._converters.items()))
        if (builder := _BUILDERS.get(key)) is None:
            builder = _BUILDERS[key] = compile_builder(rule, append_unknown)
        return builder

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", shared)
        yield


@pytest.fixture
def app(database_url, tmp_path, monkeypatch, app_config):
    instance = tmp_path / "instance"
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(instance))
    app = create_app(base_config(database_url, **app_config))
    app.jinja_env.bytecode_cache = TEMPLATES
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        _db.session.remove()
        for engine in _db.engines.values():
            engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.RECRUITER, *, second_factor: bool | None = None, **overrides):
        """Make a user; administrators and counsel have a second factor unless told not to."""
        n = next(counter)
        values = {"email": f"{role.value}{n}@example.test", "name": f"{role.value.title()} {n}",
                  "password": PASSWORD, "role": role}
        values.update(overrides)
        user = create_user(values["email"], values["name"], values["password"], values["role"],
                           actor="system")
        db.session.commit()
        if second_factor is None:
            second_factor = values["role"] in (Role.ADMIN, Role.LEGAL)
        if second_factor:
            enrol(user)
        return user

    return make


def vacancy_values(**overrides) -> dict:
    values = {
        "title": "Backend developer", "description": "Python services.", "language": "en",
        "criteria": ["Python", "PostgreSQL"], "allowed_sources": ["rss", "github"],
        "lookback_years": 3, "retention_days": 28, "comment_window_days": 3, "status": "open",
        "assignee_ids": [], "purpose": "Check published work.", "necessity": "Needed.",
        "alternatives": "Interview only.", "balancing": "Minimal data.",
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_vacancy(db, make_user):
    def make(owner=None, **overrides):
        vacancy = create_vacancy(vacancy_values(**overrides), owner=owner or make_user())
        db.session.commit()
        return vacancy

    return make


@pytest.fixture
def make_candidate(db, make_vacancy):
    def make(vacancy=None, **overrides):
        vacancy = vacancy or make_vacancy()
        values = {"name": "Jamie Jansen", "email": "jamie@example.org", "language": "en"}
        values.update(overrides)
        candidate = add_candidate(vacancy, values, actor=vacancy.owner)
        db.session.commit()
        return candidate

    return make


def enrol(user: User) -> None:
    """Give a user a second factor, as the enrolment page does, committed."""
    secret = second_factor.start_enrolment(user)
    second_factor.confirm_enrolment(user, pyotp.TOTP(secret).now(), actor="system")
    _db.session.commit()


def totp_code(user: User) -> str:
    """Return a code the app accepts now for `user` (in the app context of the test).

    Tests log one user in many times within 30 seconds, where a person would wait for the
    next code: the step last used is forgotten first. Refusing a replayed code has its own
    tests (tests/compliance/test_second_factor.py).
    """
    _db.session.execute(update(User).where(User.id == user.id).values(totp_last_step=None))
    _db.session.commit()
    secret = _db.session.scalar(_db.select(User.totp_secret).where(User.id == user.id))
    return pyotp.TOTP(vault.decrypt(secret)).now()


def log_in(client, user, password: str = PASSWORD, **kwargs):
    """Log `user` in on `client`: the password, then a code when the user has a second factor.

    Returns the last response (a redirect to where the login lands)."""
    response = client.post("/login", data={"email": user.email, "password": password}, **kwargs)
    if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
        response = client.post("/login/code", data={"code": totp_code(user)}, **kwargs)
    return response


@pytest.fixture
def login(client):
    def logged_in(user, password: str = PASSWORD):
        response = log_in(client, user, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return logged_in


# A real SMTP server for the tests of mail: one per test module, on a free loopback port.
class Inbox:
    """Keeps what arrives; `replies` scripts the answers to DATA (then 250 for the rest)."""

    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []
        self.replies: list[str] = []
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        self.attempts += 1
        if self.replies:
            return self.replies.pop(0)
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def inbox(smtp) -> Inbox:
    """The module's SMTP inbox, emptied for each test (messages, scripted replies, attempts)."""
    _controller, inbox = smtp
    inbox.messages.clear()
    inbox.replies.clear()
    inbox.attempts = 0
    return inbox


def mail_config(smtp, sender: str = "jobs@acme.test", **extra) -> dict:
    """App settings that send mail to the module's SMTP server, plus `extra`."""
    controller, _inbox = smtp
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_SENDER": sender,
            **extra}
