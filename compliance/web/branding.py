"""The organisation's logo, served from our own origin under its content hash."""

from flask import Blueprint, Response, abort

from compliance.branding import current_brand, logo_png

bp = Blueprint("brand", __name__, url_prefix="/brand")


@bp.get("/logo-<string(length=64):digest>.png")
def logo(digest: str) -> Response:
    """Serve the logo; its URL changes with its content, so it may be cached for long."""
    data = logo_png(digest)
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline; filename=logo.png"
    return response


# The candidate layout asks for the brand only when it is drawn: e-mails and staff pages never
# read the settings for it.
bp.add_app_template_global(current_brand, "brand")
