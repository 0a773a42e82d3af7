"""The employer's name and logo on candidate pages, e-mails and PDFs, so a candidate can tell who
is writing: a link about one's social accounts from an unknown sender looks like phishing.

A logo is checked by decoding it with Pillow (PNG or JPEG only: an SVG can carry scripts),
bounded in bytes and pixels, and stored re-encoded as PNG, which drops its metadata. It is
served from our own origin under its content hash and embedded in PDFs as a data: URI, so
neither a browser nor the PDF renderer fetches it from anywhere else.
"""

import base64
import hashlib
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

from flask import g, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile, UnidentifiedImageError

from compliance import audit
from compliance.audit import AuditAction
from compliance.db import db
from compliance.organisation import OrganisationSettings, get_settings

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_SIDE = 2048  # pixels on either side of an upload; larger is refused before decoding
STORED_SIDE = 512  # what is kept: a header shows the logo at most a few dozen pixels high
FORMATS = ("PNG", "JPEG")
_DECODING = threading.Lock()


class LogoError(ValueError):
    """An upload that is not a logo we take; `message` is shown next to the field."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Brand:
    """What candidates see of the organisation: its name ("" for the product's) and logo."""

    name: str
    logo_hash: str

    @property
    def logo_url(self) -> str | None:
        return url_for("brand.logo", digest=self.logo_hash) if self.logo_hash else None


def clean_logo(data: bytes) -> bytes:
    """Check that `data` is a PNG or JPEG of bounded size and return it re-encoded as PNG."""
    if not data:
        raise LogoError(_l("Choose a PNG or JPEG file."))
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(_l("The logo may be at most %(kb)d KB.", kb=MAX_LOGO_BYTES // 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=FORMATS) as image:
                if max(image.size) > MAX_LOGO_SIDE:
                    raise LogoError(_l("The logo may be at most %(px)d by %(px)d pixels.",
                                       px=MAX_LOGO_SIDE))
                with _strict_decoding():
                    image.load()  # decodes every pixel: a truncated or forged file fails here
                image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    except LogoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError(_l("This file is not a PNG or JPEG image.")) from None
    image.thumbnail((STORED_SIDE, STORED_SIDE))
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)  # only pixels: no text chunks, no EXIF
    return out.getvalue()


@contextmanager
def _strict_decoding():
    """Refuse a truncated file while decoding: WeasyPrint, once imported, tells Pillow to fill
    truncated images in (a process-wide flag), which would pass half a file as a logo."""
    with _DECODING:
        kept, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = kept


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def set_logo(data: bytes, *, actor) -> None:
    """Store a cleaned logo (see clean_logo) and audit the change by its hash."""
    settings = get_settings()
    digest = hashlib.sha256(data).hexdigest()
    if digest == settings.logo_hash:
        return
    settings.logo_png, settings.logo_hash = data, digest
    audit.record(AuditAction.SETTINGS_UPDATED, actor=actor, fields=["logo"], logo=digest)


def remove_logo(*, actor) -> None:
    settings = get_settings()
    if not settings.logo_hash:
        return
    settings.logo_png, settings.logo_hash = None, ""
    audit.record(AuditAction.SETTINGS_UPDATED, actor=actor, fields=["logo"], logo="")


def current_brand() -> Brand:
    """Return the organisation's brand, read once a request; never writes the settings row."""
    if has_request_context() and "brand" in g:
        return g.brand
    settings = db.session.get(OrganisationSettings, 1)
    brand = Brand("", "") if settings is None else Brand(
        (settings.display_name or settings.controller_name).strip(), settings.logo_hash)
    if has_request_context():
        g.brand = brand
    return brand


def logo_png(digest: str) -> bytes | None:
    """Return the stored logo if `digest` is its hash (an old hash is gone, not served)."""
    settings = db.session.get(OrganisationSettings, 1)
    if settings is None or not settings.logo_hash or settings.logo_hash != digest:
        return None
    return settings.logo_png


def logo_data_uri() -> str | None:
    """Return the logo as a data: URI for a PDF, which must never fetch anything."""
    brand = current_brand()
    data = logo_png(brand.logo_hash) if brand.logo_hash else None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii") if data else None
