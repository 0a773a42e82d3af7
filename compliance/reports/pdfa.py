"""PDF/A-3b: the archival variant, and the JSON the PDF shows attached as an associated file."""

import hashlib
from io import BytesIO
from typing import Any

import pydyf
from pypdf import PdfReader
from weasyprint import Attachment
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/a-3b"
DATA_RELATIONSHIP = "Data"  # PDF/A-3 AFRelationship: the file holds the data the page shows


def data_attachment(data: bytes, name: str, title: str, fetcher: URLFetcher) -> Attachment:
    """Wrap the report's JSON as an embedded file related to the document as its data."""
    return Attachment(string=data, name=name, description=title, url_fetcher=fetcher,
                      relationship=DATA_RELATIONSHIP)


def tidy_for_signing(document: Any, pdf: Any) -> None:
    """Keep the file PDF/A once signed: one AF entry per file, and no Info producer to clash.

    WeasyPrint lists each attachment twice in the catalog's AF array. pyHanko appends itself to
    the Info producer but writes only itself into the XMP producer, and PDF/A requires the two
    to agree; without an Info producer, both end up the same.
    """
    if "AF" in pdf.catalog:
        unique = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"] = pydyf.Array(unique)
    pdf.info.pop("Producer", None)


def attachments(pdf: bytes) -> dict[str, bytes]:
    """Return the embedded files of a PDF by name."""
    reader = PdfReader(BytesIO(pdf))
    return {name: contents[0] for name, contents in reader.attachments.items() if contents}


def conformance(pdf: bytes) -> tuple[str | None, str | None]:
    """Return the PDF/A part and conformance the XMP metadata declares, e.g. ('3', 'B')."""
    metadata = PdfReader(BytesIO(pdf)).xmp_metadata
    if metadata is None:
        return None, None
    return metadata.pdfaid_part, metadata.pdfaid_conformance


def digest(data: bytes) -> str:
    """Name the embedded data by its SHA-256, shown on the page so the two can be matched."""
    return hashlib.sha256(data).hexdigest()
