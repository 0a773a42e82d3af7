"""CLI commands of this part, added to the `flask screening` group: fetch and import-export.

They print normalised posts as JSON lines, for checks and for looking at a source by hand.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app, has_app_context

from screening.sources.archives import MB, ArchiveLimits
from screening.sources.errors import SourceError
from screening.sources.exports import read_export
from screening.sources.fetching import CONNECTORS, fetch_source
from screening.sources.http import ClientSettings, GuardedClient
from screening.sources.posts import Post, Window

SETTINGS_KEY = "SOURCE_CLIENT_SETTINGS"


def register_commands(group: click.Group) -> None:
    """Add this part's commands to `group`."""
    group.add_command(fetch_command)
    group.add_command(import_export_command)


since_option = click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only posts from this day on."
)
limit_option = click.option(
    "--limit", type=click.IntRange(min=1), default=200, show_default=True, help="At most N posts."
)


@click.command("fetch")
@click.argument("kind", type=click.Choice([str(k) for k in CONNECTORS]))
@click.argument("account")
@click.option("--base-url", help="API or instance base URL (self-hosted instances, tests).")
@since_option
@limit_option
def fetch_command(
    kind: str, account: str, base_url: str | None, since: datetime | None, limit: int
) -> None:
    """Fetch a public account's posts (for rss, ACCOUNT is the feed URL) as JSON lines."""
    window = _window(since, limit)
    try:
        with GuardedClient(_client_settings()) as client:
            posts = fetch_source(client, kind, account, window, base_url)
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    _print(posts)


@click.command("import-export")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@since_option
@limit_option
def import_export_command(file: Path, since: datetime | None, limit: int) -> None:
    """Read a data export (X archive, LinkedIn export, Mastodon archive) as JSON lines."""
    limits = ArchiveLimits.from_config(current_app.config) if has_app_context() else ArchiveLimits()
    if os.path.getsize(file) > limits.max_upload:
        raise click.ClickException(
            f"invalid_export: the file is larger than {limits.max_upload / MB:g} MB"
        )
    try:
        posts = read_export(
            file.name, file.read_bytes(), window=_window(since, limit), limits=limits
        )
    except SourceError as exc:
        raise click.ClickException(str(exc)) from exc
    _print(posts)


def _window(since: datetime | None, limit: int) -> Window:
    return Window(since=since.replace(tzinfo=UTC) if since else None, limit=limit)


def _client_settings() -> ClientSettings:
    # The app's config may tune the client (tests shrink the waits); the connectors never see it.
    overrides = current_app.config.get(SETTINGS_KEY, {}) if has_app_context() else {}
    return ClientSettings(**overrides)


def _print(posts: list[Post]) -> None:
    for post in posts:
        click.echo(json.dumps(post.to_json_dict(), ensure_ascii=False))
