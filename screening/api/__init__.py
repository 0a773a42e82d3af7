"""The REST API for applicant tracking systems: flask-smorest blueprints under /api/v1.

Every endpoint is a thin adapter over the verbs the pages call, behind the same access rules.
Clients authenticate with a personal bearer token only; errors are problem documents.
"""

from flask import Flask, current_app

from compliance.web import csrf, limiter
from screening.api import auth, candidates, cases, docs, legal, vacancies
from screening.api.spec import FairscreenApi

BLUEPRINTS = (vacancies.blp, candidates.blp, cases.blp, legal.blp)
SPEC_CONFIG = {
    "API_TITLE": "Fairscreen",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


for _blp in BLUEPRINTS:
    csrf.exempt(_blp)  # bearer tokens are not sent by browsers on their own: no CSRF to guard
    # One budget per token across every blueprint.
    limiter.shared_limit(_api_rate_limit, scope="api", key_func=auth.rate_limit_key)(_blp)


def init_app(app: Flask) -> None:
    """Serve the API, its OpenAPI document and its offline docs page."""
    for key, value in SPEC_CONFIG.items():
        app.config.setdefault(key, value)
    api = FairscreenApi(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
    app.extensions["fairscreen-api"] = api
