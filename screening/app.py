"""The composition root: one factory that assembles config, extensions, pages and commands."""

from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from sqlalchemy import select

from compliance import queue
from compliance.db import db
from compliance.web.uploads import InMemoryRequest
from screening.config import instance_path, load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build a Fairscreen app; `test_config` overrides everything else."""
    app = Flask(
        "fairscreen",
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        root_path=str(ROOT),
    )
    app.request_class = InMemoryRequest  # uploads never touch the disk
    load_config(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_api(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from compliance import (  # noqa: F401 (tasks, models)
        account_links,
        api_tokens,
        audit,
        head_digest,
        outbox,
        reads,
        retention,
        rights,
        second_factor,
        web,
    )
    from screening import (  # noqa: F401 (declare their tasks)
        audit_labels,
        case,
        counsel,
        expiry,
        labels,
        reports,
        runs,
        staff_notices,
    )
    from screening.api import idempotency  # noqa: F401 (declares its sweep)

    db.init_app(app)
    Migrate(app, db, directory=str(ROOT / "migrations"))
    web.init_app(app)
    reads.init_app(app)  # after web's hooks: a withheld answer gets their headers too
    labels.init_app(app)
    audit_labels.register()  # counsel's audit log names screening's details too
    queue.init_app(app)
    rights.provide_ending(app, case.end_released)  # a released request ends its case
    rights.provide_telling(app, counsel.tell)  # an extension or refusal is mailed
    rights.provide_case_view(app, counsel.vacancies_of)


def register_api(app: Flask) -> None:
    from screening import api

    api.init_app(app)


def register_blueprints(app: Flask) -> None:
    from compliance.web import (
        account_links,
        admin,
        auth,
        branding,
        legal,
        rights,
        second_factor,
    )
    from screening.web import (
        candidate_holds,  # noqa: F401 (its routes join recruiter.bp as it is imported)
        portal,
        portal_accounts,  # noqa: F401 (its routes join portal.bp as it is imported)
        portal_links,
        recruiter,
        reports,
        review,
        teams,
    )

    app.register_blueprint(auth.bp)
    app.register_blueprint(second_factor.bp)
    app.register_blueprint(account_links.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(branding.bp)
    app.register_blueprint(rights.bp)
    app.register_blueprint(recruiter.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(portal.bp)
    app.extensions["error_pages"] = portal_links.unrouted_error
    app.register_blueprint(legal.bp)
    app.register_blueprint(reports.bp)
    legal.provide_vacancies(app, vacancy_options)


def vacancy_options() -> list[tuple[int, str]]:
    """Name the vacancies for the legal audit filter (compliance cannot import screening)."""
    from screening.models import Vacancy

    rows = db.session.execute(select(Vacancy.id, Vacancy.title).order_by(Vacancy.title))
    return [(row.id, row.title) for row in rows]


def register_commands(app: Flask) -> None:
    from compliance.audit_commands import audit_cli
    from compliance.commands import users_cli
    from compliance.key_commands import keys_cli
    from compliance.mailcatcher import mailcatcher_command
    from compliance.reports.commands import reports_cli
    from compliance.retention_commands import retention_cli
    from screening import report_commands  # noqa: F401 (adds its commands to reports_cli)
    from screening.case_commands import case_cli
    from screening.cli import screening_cli
    from screening.setup_commands import (
        demo_command,
        demo_logins_command,
        init_command,
        worker_command,
    )

    app.cli.add_command(init_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(demo_logins_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(mailcatcher_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(screening_cli)
    app.cli.add_command(case_cli)
