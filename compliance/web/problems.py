"""Errors for machine clients as RFC 9457 problem documents (`application/problem+json`)."""

from http import HTTPStatus
from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"
TYPE_PREFIX = "urn:fairscreen:problem:"


def wants_problem() -> bool:
    """Tell whether this request came to the API, whose errors are problem documents."""
    return request.path.startswith(API_PREFIX)


def problem_response(error: HTTPException) -> Response:
    """Render an HTTP error as a problem document, with field errors and extra headers."""
    code = error.code or 500
    data: dict[str, Any] = getattr(error, "data", None) or {}
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + data["problem"] if data.get("problem") else "about:blank",
        "title": HTTPStatus(code).phrase,
        "status": code,
        "detail": str(data.get("message") or _detail(error)),
        "instance": request.path,
    }
    field_errors = data.get("errors") or data.get("messages")
    if field_errors:
        body["errors"] = flatten(field_errors)
        if not data.get("message"):
            body["detail"] = "Some fields are not valid: see errors."
    response = Response(json.dumps(body), status=code, mimetype=MEDIA_TYPE)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    for name, value in error.get_headers():  # Allow on 405, WWW-Authenticate on 401
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _detail(error: HTTPException) -> str:
    if error.code == 500:
        return "The server could not finish the request."  # never the exception's own text
    return error.description or HTTPStatus(error.code or 500).description


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn nested validation messages into {"field.sub": ["message", ...]}.

    webargs nests them under the request location (`json`, `query`, `headers`); that level
    is dropped, since each field name already says where it belongs.
    """
    if not prefix and isinstance(messages, dict) and set(messages) <= {
            "json", "query", "headers", "form", "path", "files", "cookies"}:
        flat: dict[str, list[str]] = {}
        for nested in messages.values():
            flat.update(flatten(nested))
        return flat
    if isinstance(messages, dict):
        flat = {}
        for key, value in messages.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    values = messages if isinstance(messages, list) else [messages]
    if values and all(isinstance(v, dict) for v in values):
        flat = {}
        for value in values:
            flat.update(flatten(value, prefix))
        return flat
    return {prefix or "_schema": [str(v) for v in values]}
