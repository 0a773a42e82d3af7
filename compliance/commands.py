"""The `flask users ...` commands for staff accounts."""

import click
from flask.cli import AppGroup
from marshmallow import ValidationError

from compliance.accounts import AccountError, Role, create_user, find_user, update_user
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
    try:
        user = create_user(data["email"], data["name"], data["password"], Role(data["role"]),
                           actor="system")
    except AccountError as error:
        click.echo(f"Error: {error.field}: {error.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@users_cli.command("update")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=None)
@click.option("--active/--deactivate", "active", default=None,
              help="Reactivate the account, or deactivate it (its sessions end).")
def update_command(email: str, role: str | None, active: bool | None) -> None:
    """Change a staff account's role or deactivate it; the last admin is never taken away."""
    user = find_user(email)
    if user is None:
        click.echo(f"Error: no user with e-mail {email}.", err=True)
        raise SystemExit(1)
    try:
        update_user(user, actor="system", role=Role(role) if role else None, active=active)
    except AccountError as error:
        click.echo(f"Error: {error.field}: {error.message}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    state = "active" if user.active else "deactivated"
    click.echo(f"{user.email} is now {user.role.value}, {state}.")


@users_cli.command("list")
def list_command() -> None:
    """List staff accounts with their roles."""
    from compliance.accounts import User

    for user in db.session.scalars(db.select(User).order_by(User.id)):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.id}\t{user.role.value}\t{state}\t{user.email}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True,
              help="What the token is for, to recognise it later.")
@click.option("--revoke", "revoke_id", type=int, default=None,
              help="Revoke the user's token with this id instead of creating one.")
@click.option("--list", "list_only", is_flag=True, help="List the user's tokens instead.")
def token_command(email: str, name: str, revoke_id: int | None, list_only: bool) -> None:
    """Create a personal API token for a user and print it once (or list or revoke tokens)."""
    from compliance.api_tokens import create_token, revoke_token, tokens_of

    user = find_user(email)
    if user is None:
        click.echo(f"Error: no user with e-mail {email}.", err=True)
        raise SystemExit(1)
    tokens = tokens_of(user)
    if list_only:
        for token in tokens:
            state = "active" if token.active else f"revoked {token.revoked_at:%Y-%m-%d}"
            click.echo(f"{token.id}\t{token.created_at:%Y-%m-%d}\t{state}\t{token.name}")
        return
    if revoke_id is not None:
        token = next((t for t in tokens if t.id == revoke_id), None)
        if token is None:
            click.echo(f"Error: {email} has no token {revoke_id}.", err=True)
            raise SystemExit(1)
        revoke_token(token, actor="system")
        db.session.commit()
        click.echo(f"Revoked token {token.id} of {user.email}.")
        return
    if not user.active or not name.strip() or len(name) > 80:
        click.echo("Error: the user is deactivated, or the name is empty or too long.", err=True)
        raise SystemExit(2)
    token, raw = create_token(user, name, actor="system")
    db.session.commit()
    click.echo(f"Token {token.id} for {user.email} ({user.role.value}); it is shown only once:",
               err=True)
    click.echo(raw)
