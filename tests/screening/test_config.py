"""Configuration: prefix, instance folder, fail-fast secrets, and the set-up commands."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

from screening.app import create_app
from screening.config import ConfigError
from tests.conftest import TEST_KEYS

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def clean_env(instance: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRSCREEN_")}
    env.update({"FAIRSCREEN_INSTANCE_PATH": str(instance), **extra})
    return env


def flask(args, env, **kwargs):
    return subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, **kwargs)


def test_missing_secret_stops_the_app_naming_the_variable(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("FAIRSCREEN_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="FAIRSCREEN_SECRET_KEY"):
        create_app()


def test_environment_with_prefix_configures_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("FAIRSCREEN_SECRET_KEY", "from-env")
    for name, value in TEST_KEYS.items():  # the master, signing and index keys are required too
        monkeypatch.setenv(f"FAIRSCREEN_{name}", value)
    monkeypatch.setenv("FAIRSCREEN_IDLE_TIMEOUT_MINUTES", "7")
    monkeypatch.setenv("FAIRSCREEN_DATABASE_URL", "postgresql://someone@db.example/fs")
    app = create_app()
    assert app.instance_path == str(tmp_path / "inst")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 7 * 60
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/fs"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_sqlite_in_the_instance_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("FAIRSCREEN_DATABASE_URL", raising=False)
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'fairscreen.db'}"


def test_command_without_secrets_exits_with_the_variable_named(tmp_path):
    result = flask(["users", "list"], clean_env(tmp_path / "instance"))
    assert result.returncode != 0
    assert "FAIRSCREEN_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def demo_instance(tmp_path_factory) -> tuple[Path, str]:
    """One instance set up by `init` and `demo` (a dozen seconds), in a folder that does not
    exist yet, for the set-up and login tests."""
    instance = tmp_path_factory.mktemp("demo") / "some" / "where"
    env = clean_env(instance)
    first = flask(["init"], env)
    assert first.returncode == 0, first.stderr
    demo = flask(["demo"], env)
    assert demo.returncode == 0, demo.stderr
    return instance, demo.stdout


def test_init_and_demo_set_up_any_instance_path_idempotently(demo_instance):
    instance, demo = demo_instance
    env = clean_env(instance)
    secrets_file = instance / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert json.loads(secrets_file.read_text())["SECRET_KEY"]
    assert (instance / "fairscreen.db").exists()

    generated = json.loads(secrets_file.read_text())
    for role in ("admin", "legal", "recruiter"):
        assert f"{role}@demo.fairscreen.test" in demo
    again_init = flask(["init"], env)
    again = flask(["demo"], env)
    assert again_init.returncode == 0 and again.returncode == 0, again.stderr
    assert again.stdout == demo  # same users, same passwords, nothing added
    counts = flask(["users", "list"], env)
    assert len(counts.stdout.strip().splitlines()) == 3
    assert json.loads(secrets_file.read_text()) == generated  # init never replaces a secret


def test_demo_password_logs_in(tmp_path, demo_instance):
    instance, out = demo_instance
    line = next(row for row in out.splitlines() if "recruiter@demo" in row)
    password = line.split()[-1]
    # The instance's secrets as generated (the login throttle needs the blind-index key too).
    app = create_app({"TESTING": True, **json.loads((instance / "secrets.json").read_text()),
        "DATABASE_URL": f"sqlite:///{instance / 'fairscreen.db'}", "WTF_CSRF_ENABLED": False,
        "HUEY_SQLITE_PATH": str(tmp_path / "q.db")})
    response = app.test_client().post(
        "/login", data={"email": "recruiter@demo.fairscreen.test", "password": password})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


def test_demo_admin_logs_in_with_the_printed_authenticator_key(tmp_path, demo_instance):
    instance, out = demo_instance
    lines = out.splitlines()
    at = next(i for i, row in enumerate(lines) if "admin@demo" in row)
    password = lines[at].split()[-1]
    key = lines[at + 1].split("authenticator app key:")[1].replace(" ", "")
    assert lines[at + 2].strip().startswith("otpauth://totp/Fairscreen:admin%40demo")
    app = create_app({"TESTING": True, **json.loads((instance / "secrets.json").read_text()),
        "DATABASE_URL": f"sqlite:///{instance / 'fairscreen.db'}", "WTF_CSRF_ENABLED": False,
        "VAULT_DATABASE_URL": f"sqlite:///{instance / 'vault.db'}",
        "HUEY_SQLITE_PATH": str(tmp_path / "q.db")})
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "admin@demo.fairscreen.test", "password": password})
    assert response.headers["Location"].endswith("/login/code")
    response = client.post("/login/code", data={"code": pyotp.TOTP(key).now()})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/users")


def test_users_create_prompts_for_the_password_and_validates(runner, db):
    result = runner.invoke(args=["users", "create", "Lena@Example.org", "--role", "legal"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created legal lena@example.org" in result.output
    short = runner.invoke(args=["users", "create", "x@example.org", "--role", "admin"],
                          input="short\nshort\n")
    assert short.exit_code == 2
    assert "password" in short.output
    dup = runner.invoke(args=["users", "create", "lena@example.org", "--role", "admin"],
                        input="a long enough password\na long enough password\n")
    assert dup.exit_code == 1
    assert "exists already" in dup.output


@pytest.mark.parametrize("value", [-1, 61, "soon", True])
def test_a_read_fold_interval_out_of_range_stops_the_app_naming_it(tmp_path, value):
    with pytest.raises(ConfigError, match="FAIRSCREEN_READ_FOLD_SECONDS"):
        create_app({"TESTING": True, "SECRET_KEY": "x", **TEST_KEYS,
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "READ_FOLD_SECONDS": value})
