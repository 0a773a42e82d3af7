"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from screening.app import create_app
from screening.config import ConfigError

try:
    app = create_app()
except ConfigError as error:
    raise SystemExit(f"Fairscreen cannot start: {error}") from None
