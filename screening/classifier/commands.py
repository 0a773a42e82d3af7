"""CLI commands of this part, added to the `flask screening` group."""

import click


def register_commands(group: click.Group) -> None:
    """Add this part's commands to `group`."""
