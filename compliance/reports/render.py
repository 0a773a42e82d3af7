"""Template -> HTML -> PDF bytes, with a URL fetcher that reaches only the project's PDF assets."""

import base64
import logging
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from compliance.branding import current_brand, logo_data_uri
from compliance.reports.pdfa import PDF_VARIANT, data_attachment, tidy_for_signing

ASSETS = "pdf"  # the only folder under static/ the renderer may read
DATA_PNG = "data:image/png;base64,"
log = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """The renderer asked for something outside the project's PDF assets."""


class AssetsOnlyFetcher(URLFetcher):
    """Serve files under static/pdf/ and refuse every other URL: no network, no other files."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(DATA_PNG):  # the logo, embedded from the database: nothing is fetched
            try:
                data = base64.b64decode(url[len(DATA_PNG):], validate=True)
            except ValueError:
                data = None
            if data is not None:
                self.served.append("data:image/png")
                return URLFetcherResponse(DATA_PNG, data, {"Content-Type": "image/png"})
        path = self._asset(url)
        if path is None:
            self.refused.append(url)
            # The URL may come from untrusted text: log that something was refused, not what.
            log.warning("refused a URL while rendering a PDF")
            raise RefusedURL("only the project's PDF assets may be fetched")
        self.served.append(path.name)
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  {"Content-Type": _media_type(path)})

    def _asset(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if (parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query
                or parts.fragment):
            return None
        try:
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        return path if path.is_file() and path.is_relative_to(self.root) else None


def _media_type(path: Path) -> str:
    return {".css": "text/css", ".ttf": "font/ttf", ".svg": "image/svg+xml",
            ".png": "image/png"}.get(path.suffix, "application/octet-stream")


def assets_folder() -> Path:
    """Return the folder of PDF assets (stylesheet, logo) inside the app's static folder."""
    return Path(current_app.static_folder) / ASSETS


def html_for(template: str, lang: str, **context: Any) -> str:
    """Render a PDF template to HTML in the report's language."""
    return render_template(f"pdf/{template}", lang=lang, **context)


def write_pdf(html: str, *, data: bytes, data_name: str, title: str,
              fetcher: AssetsOnlyFetcher | None = None) -> bytes:
    """Lay out the HTML as a tagged PDF/A-3b with `data` attached as its machine-readable twin.

    Tagged (a structure tree of headings, paragraphs, lists and tables with their headers), in
    the language of <html lang> and titled by <title>, so screen readers can read it; still
    PDF/A-3b, the level verifiers check for (WeasyPrint writes one variant, so not PDF/UA too).
    """
    fetcher = fetcher or AssetsOnlyFetcher(assets_folder())
    base_url = assets_folder().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    attachment: Attachment = data_attachment(data, data_name, title, fetcher)
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB output-intent profile for PDF/A and never closes it.
        warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
        # No stylesheets=, attachments by URL or other URL-bearing option: only the fetcher reads.
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True,
                                  attachments=[attachment], pdf_identifier=True,
                                  finisher=tidy_for_signing)


def render_pdf(template: str, lang: str, *, data: bytes, data_name: str, title: Any,
               **context: Any) -> bytes:
    """Render a template to an unsigned PDF/A-3b document embedding `data`."""
    with force_locale(lang):
        title = str(title)  # a lazy string takes the report's language here
        html = html_for(template, lang, title=title, brand=current_brand(),
                        logo=logo_data_uri(), **context)
    return write_pdf(html, data=data, data_name=data_name, title=title)
