"""Commands that set an instance up, seed the demo and run the background worker."""

import base64
import hashlib
import hmac
import time
import urllib.error
import urllib.request
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from compliance import policy, queue, second_factor
from compliance.accounts import Role, User, create_user, find_user
from compliance.db import db
from compliance.key_commands import provided_keys
from compliance.keys import create_missing_keys
from compliance.organisation import get_settings, update_settings
from compliance.reports.signing import ensure_signing_identity
from screening.candidates import add_candidate
from screening.config import SECRETS_FILE, write_secrets
from screening.models import Candidate, Vacancy
from screening.vacancies import create_vacancy

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")

DEMO_USERS = [
    ("admin@demo.fairscreen.test", "Ada Admin", Role.ADMIN),
    ("legal@demo.fairscreen.test", "Lars Legal", Role.LEGAL),
    ("recruiter@demo.fairscreen.test", "Rita Recruiter", Role.RECRUITER),
]
# The order a newcomer meets them in: the recruiter's work first, then counsel's, then the admin's.
LOGIN_ORDER = [Role.RECRUITER, Role.LEGAL, Role.ADMIN]
DEMO_URL = "http://127.0.0.1:5000"
DEMO_VACANCY = {
    "title": "Backend developer (Python)",
    "description": "Build and run the Python services behind our customer platform.",
    "language": "en",
    "criteria": ["Python", "Django", "Flask", "PostgreSQL", "REST APIs", "Docker", "testing"],
    "allowed_sources": ["rss", "mastodon", "github", "bluesky"],
    "lookback_years": policy.LOOKBACK_YEARS, "retention_days": policy.preset("NL").retention_days,
    "comment_window_days": policy.COMMENT_WINDOW_DAYS, "status": "open",
    "assignee_ids": [],
    "purpose": "Check the public professional work a candidate points us to, such as code and "
               "technical writing, against the skills this role needs.",
    "necessity": "The role is judged on published engineering work that a CV does not show.",
    "alternatives": "A technical interview alone; used as well, the public work adds evidence "
                    "the candidate chose to publish.",
    "balancing": "Only accounts the candidate confirms, only job-relevant posts, special "
                 "categories never shown, data erased four weeks after the decision.",
}
DEMO_CANDIDATES = [
    {"name": "Noor de Vries", "email": "noor.devries@example.org", "language": "nl"},
    {"name": "Sam Okafor", "email": "sam.okafor@example.org", "language": "en"},
]


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create the instance folder with generated secrets and migrate the database."""
    instance = Path(current_app.instance_path)
    created = write_secrets(instance / SECRETS_FILE)
    created += create_missing_keys(instance / SECRETS_FILE, provided_keys())
    for name in created:
        click.echo(f"Generated {name} into {instance / SECRETS_FILE} (mode 0600).")
    signing = ensure_signing_identity()
    if signing is not None:
        click.echo(f"Generated a self-signed report signing key into {signing.key} (mode 0600).")
    upgrade(directory=MIGRATIONS)
    click.echo(f"Database migrated: {db.engine.url.render_as_string(hide_password=True)}")


def demo_password(email: str) -> str:
    """Derive a demo password from the instance secret, so re-running prints the same one."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"demo:{email}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:20].lower()


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed demo users, a vacancy and candidates; running it again changes nothing."""
    users = {}
    for email, name, role in DEMO_USERS:
        users[role] = find_user(email) or create_user(email, name, demo_password(email), role,
                                                      actor="system")
        if second_factor.required(users[role]) and not second_factor.enrolled(users[role]):
            second_factor.set_up(users[role], demo_totp_secret(email), actor="system")
    settings = get_settings()
    if not settings.controller_name:
        update_settings({"controller_name": "Demo Werving B.V.",
                         "controller_address": "Stationsplein 1, 3511 ED Utrecht",
                         "dpo_contact": "privacy@demo.fairscreen.test"}, actor="system")
    vacancy = db.session.scalar(select(Vacancy).where(Vacancy.title == DEMO_VACANCY["title"]))
    if vacancy is None:
        vacancy = create_vacancy(DEMO_VACANCY, owner=users[Role.RECRUITER])
    if not db.session.scalar(select(Candidate.id).where(Candidate.vacancy_id == vacancy.id)):
        for values in DEMO_CANDIDATES:
            add_candidate(vacancy, values, actor=users[Role.RECRUITER])
    db.session.commit()
    click.echo("Demo data is in place.")
    echo_demo_logins(DEMO_URL)


@click.command("demo-logins")
@click.option("--url", default=DEMO_URL, show_default=True, help="Where the web server answers.")
@click.option("--wait", type=float, default=0.0,
              help="Seconds to wait for the web server to answer before printing.")
@with_appcontext
def demo_logins_command(url: str, wait: float) -> None:
    """Print the demo's address and logins: the last thing `make run` prints."""
    if wait and not _answers(url, wait):
        raise click.ClickException(f"the web server at {url} did not start within {wait:g} "
                                   "seconds; its log says why")
    echo_demo_logins(url, running=bool(wait))


def echo_demo_logins(url: str, *, running: bool = False) -> None:
    """Print where to go and each demo login, one block a newcomer can copy from.

    Everything about a demo login is printed here, so what a login needs (a second factor, say)
    is added in this one place.
    """
    where = f"Fairscreen is running at {url} (Ctrl-C stops it)." if running else \
        f"Start the web server, then open {url}."
    block = [f"\n{where}\n\nLog in with one of the demo users:",
             f"  {'role':<10} {'e-mail':<32} password"]
    for email, _name, role in sorted(DEMO_USERS, key=lambda user: LOGIN_ORDER.index(user[2])):
        note = "" if _has_demo_password(email) else "  (password changed since the demo set it)"
        block.append(f"  {role.value:<10} {email:<32} {demo_password(email)}{note}")
        user = find_user(email)
        if user is not None and second_factor.required(user):
            block.append(_demo_totp_line(user))
    # One write: under `make run` the mail catcher prints to the same terminal, and a mail
    # delivered meanwhile must not land inside the block.
    click.echo("\n".join(block))


def _answers(url: str, wait: float) -> bool:
    """Poll `url` until it answers at all (any HTTP status) or `wait` seconds have passed."""
    deadline = time.monotonic() + wait
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 (the demo's own URL)
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)


def demo_totp_secret(email: str) -> str:
    """Derive the demo user's TOTP secret from the instance secret, like the password."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"demo-totp:{email}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def _demo_totp_line(user: User) -> str:
    secret = demo_totp_secret(user.email)
    if not second_factor.has_secret(user, secret):
        return f"  {'':<10} {'':<32} (second factor changed since the demo set it)"
    return (f"  {'':<10} {'authenticator app key:':<32} {second_factor.grouped(secret)}\n"
            f"  {'':<10} {'':<32} {second_factor.provisioning_uri(user, secret)}")


def _has_demo_password(email: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import VerificationError

    user: User | None = find_user(email)
    try:
        return user is not None and PasswordHasher().verify(user.password_hash,
                                                           demo_password(email))
    except VerificationError:
        return False


@click.command("worker")
@click.option("--workers", "-w", type=int, default=None, help="Worker threads.")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run the background task consumer (screening runs, e-mail, retention sweeps)."""
    huey = current_app.extensions["huey"]
    count = workers or int(current_app.config["WORKERS"])
    click.echo(f"Consuming tasks from {type(huey).__name__} with {count} workers.")
    # Work whose task a killed consumer or a restarted Redis lost is handed over again.
    queue.start_recovery(current_app._get_current_object())
    huey.create_consumer(workers=count, worker_type="thread").run()
