"""PDF/A-3b: the archival variant, and the JSON the PDF shows attached as an associated file.

WeasyPrint, pydyf and pypdf are imported where they are used: every process imports this
module (for `digest`), and most of them never render or read a PDF.
"""

from __future__ import annotations

import hashlib
from io import BytesIO
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint import Attachment
    from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/a-3b"
DATA_RELATIONSHIP = "Data"  # PDF/A-3 AFRelationship: the file holds the data the page shows


def data_attachment(data: bytes, name: str, title: str, fetcher: URLFetcher) -> Attachment:
    """Wrap the report's JSON as an embedded file related to the document as its data."""
    from weasyprint import Attachment

    return Attachment(string=data, name=name, description=title, url_fetcher=fetcher,
                      relationship=DATA_RELATIONSHIP)


def tidy_for_signing(document: Any, pdf: Any) -> None:
    """Keep the file PDF/A once signed: one AF entry per file, and no Info producer to clash.

    WeasyPrint lists each attachment twice in the catalog's AF array. pyHanko appends itself to
    the Info producer but writes only itself into the XMP producer, and PDF/A requires the two
    to agree; without an Info producer, both end up the same.
    """
    import pydyf

    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"] = pydyf.Array(unique)
    pdf.info.pop("Producer", None)


def attachments(pdf: bytes) -> dict[str, bytes]:
    """Return the embedded files of a PDF by name."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


def conformance(pdf: bytes) -> tuple[str | None, str | None]:
    """Return the PDF/A part and conformance the XMP metadata declares, e.g. ('3', 'B')."""
    from pypdf import PdfReader

    metadata = PdfReader(BytesIO(pdf)).xmp_metadata
    if metadata is None:
        return None, None
    return metadata.pdfaid_part, metadata.pdfaid_conformance


def digest(data: bytes) -> str:
    """Name the embedded data by its SHA-256, shown on the page so the two can be matched."""
    return hashlib.sha256(data).hexdigest()
