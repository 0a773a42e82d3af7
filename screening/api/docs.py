"""The API's documentation page, built from the OpenAPI document: no scripts, no CDN."""

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict) -> list[dict]:
    """Flatten the OpenAPI paths into one row per operation, in path order."""
    rows = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                operation = item[method]
                rows.append({"method": method.upper(), "path": path,
                             "summary": operation.get("summary", ""),
                             "description": operation.get("description", ""),
                             "parameters": [*item.get("parameters", []),
                                            *operation.get("parameters", [])],
                             "body": _body_schema(operation),
                             "responses": sorted(operation.get("responses", {}))})
    return rows


def _body_schema(operation: dict) -> str | None:
    content = operation.get("requestBody", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] or None


@bp.get("/api/docs")
def page():
    spec = current_app.extensions["fairscreen-api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, operations=operations(spec),
                           schemas=spec.get("components", {}).get("schemas", {}))
