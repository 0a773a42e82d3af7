"""The `flask screening ...` command group; each part adds its own commands to it."""

from flask.cli import AppGroup

from screening.classifier.commands import register_commands as register_classifier_commands
from screening.sources.commands import register_commands as register_source_commands

screening_cli = AppGroup("screening", help="Classify posts and read sources.")
register_classifier_commands(screening_cli)
register_source_commands(screening_cli)
