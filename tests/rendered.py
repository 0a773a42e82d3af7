"""What a reader sees of a page or a PDF, and the codes that must never be among it.

A raw enum value ("screened", "x-archive", "consent_requested") or an ISO-8601 timestamp on a
page means a template skipped screening.labels or the date helpers: the catalogue tests fail on
both, in every page and PDF they walk.
"""

import enum
import importlib
import pkgutil
import re
from functools import cache
from html.parser import HTMLParser
from io import BytesIO

from pypdf import PdfReader

ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                        r"(?:Z|[+-]\d{2}:?\d{2})?\b")
NOTICE_VERSION = re.compile(r"\b[a-z-]+-notice/\d+(?:/[a-z]{2})?\b")
# Words that are both a value of some enum and ordinary Dutch (or a name used as is).
DUTCH_WORDS = {"open", "screening", "recruiter", "admin"}
_CODE = re.compile(r"[_./-]")
_EDGES = "\"'“”‘’()[]{}<>,;:!?·…"


@cache
def enum_values() -> frozenset[str]:
    """Every lowercase value of the project's own enums (mail header names and country codes
    are written as they are, so only lowercase values count)."""
    import compliance
    import screening

    values = set()
    for package in (compliance, screening):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".classifier" in info.name:
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if (isinstance(obj, type) and issubclass(obj, enum.Enum)
                        and obj.__module__ == module.__name__):
                    values |= {e.value for e in obj if isinstance(e.value, str)
                               and e.value == e.value.lower() and len(e.value) > 1}
    return frozenset(values)


class _Text(HTMLParser):
    """Collect the visible text nodes of a page and the attributes a screen reader says.

    Text in <code> is a record shown verbatim (an audit event's details, a hash), not words.
    """

    SKIP = {"script", "style", "template", "code"}
    SPOKEN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        self.texts += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data.strip())


def page_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


def pdf_texts(pdf: bytes) -> list[str]:
    reader = PdfReader(BytesIO(pdf))
    return [line.strip() for page in reader.pages
            for line in (page.extract_text() or "").splitlines() if line.strip()]


def offences(texts: list[str], language: str) -> list[str]:
    """Name every raw enum value, notice version and ISO timestamp among what a reader sees.

    A value with a separator (x-archive, on_hold) is a code in any language, as is a whole text
    node or line that is a value; in Dutch, an English value is a code wherever it stands.
    """
    values = enum_values()
    found = []
    for text in texts:
        # A signed line to be pasted elsewhere ("... at=2026-...Z sig=...") is a record kept
        # verbatim, as <code> is on a page; a timestamp anywhere else is not words.
        found += [f"timestamp {m.group(0)!r} in {text[:80]!r}" for m in ISO_MOMENT.finditer(text)
                  if not text[:m.start()].endswith("=")]
        found += [f"notice version {m.group(0)!r} in {text[:80]!r}"
                  for m in NOTICE_VERSION.finditer(text)]
        if text in values:
            found.append(f"enum value {text!r}")
            continue
        for token in (t.strip(_EDGES) for t in text.split()):
            if token not in values:
                continue
            if _CODE.search(token) or (language == "nl" and token not in DUTCH_WORDS):
                found.append(f"enum value {token!r} in {text[:80]!r}")
    return found


def format_date(moment, format: str = "long", locale: str = "en") -> str:  # noqa: A002
    """Say a stored (UTC) moment's date as pages do: in the instance's time zone."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from babel.dates import format_date as babel_date

    from screening.config import DEFAULTS

    if isinstance(moment, datetime):
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(
            ZoneInfo(DEFAULTS["BABEL_DEFAULT_TIMEZONE"]))
    return babel_date(moment, format, locale=locale)
