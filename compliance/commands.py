"""The `flask users ...` commands for staff accounts."""

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from compliance.accounts import Role, create_user, find_user
from compliance.db import db
from compliance.schemas import UserCreateSchema

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default=None, help="Display name (defaults to the e-mail's local part).")
@click.password_option(help="Prompted for, twice, if not given.")
def create_command(email: str, role: str, name: str | None, password: str) -> None:
    """Create a staff account; the password is prompted for."""
    values = {"email": email, "name": name or email.split("@")[0], "role": role,
              "password": password}
    try:
        data = UserCreateSchema().load(values)
    except ValidationError as error:
        for field, messages in error.messages.items():
            click.echo(f"Error: {field}: {' '.join(str(m) for m in messages)}", err=True)
        raise SystemExit(2) from None
    if find_user(data["email"]):
        click.echo(f"Error: a user with e-mail {data['email']} exists already.", err=True)
        raise SystemExit(1)
    user = create_user(data["email"], data["name"], data["password"], Role(data["role"]),
                       actor="system")
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@users_cli.command("list")
def list_command() -> None:
    """List staff accounts with their roles."""
    from compliance.accounts import User

    for user in db.session.scalars(db.select(User).order_by(User.id)):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.id}\t{user.role.value}\t{state}\t{user.email}")
