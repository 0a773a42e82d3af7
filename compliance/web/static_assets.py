"""Static assets addressed by a fingerprint of their bytes, so browsers may keep them a year.

`url_for('static', filename=...)` adds `v=<hash>` of the file's content. A request naming the
file's current hash gets a year-long, immutable Cache-Control: a changed file gets a new
address, so no browser ever holds a stale copy. Any other request (no `v`, an old one) keeps
Flask's default: the browser revalidates with the ETag and gets a 304 while nothing changed.
"""

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.url_defaults(add_fingerprint)
    app.after_request(cache_fingerprinted)


def fingerprint(filename: str) -> str | None:
    """Return a short hash of a static file's bytes, None if there is no such file."""
    joined = safe_join(current_app.static_folder, filename)
    if joined is None:
        return None
    path = Path(joined)
    try:
        stat = path.stat()
    except OSError:
        return None
    # Hashed once per version of the file: a deploy that changes it changes its size or time.
    known = current_app.extensions.setdefault("fairscreen.static_fingerprints", {})
    key = (filename, stat.st_mtime_ns, stat.st_size)
    if key not in known:
        known[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return known[key]


def add_fingerprint(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = fingerprint(values["filename"])
        if version:
            values["v"] = version


def cache_fingerprinted(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    version = request.args.get("v")
    if version and version == fingerprint((request.view_args or {}).get("filename", "")):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    return response
