"""E-mail messages in which no text can become a header: one function writes every header.

A vacancy title, a candidate's name or an address is text, never markup. `header` is the only
way a value reaches a message: it turns control, format and line-separator characters into
spaces and writes the value itself, as RFC 2047 encoded words when it is not plain ASCII or
could be mistaken for one. The email package then writes that header as it stands: it never
parses a value that came from a person, so an encoded word in a title (which Python 3.11's
parser would decode into CR LF, CVE-2024-6923) stays the literal text it was. Every built
message is parsed back under a policy that raises on defects and must hold exactly the headers
that were written.
"""

import enum
import re
import unicodedata
from datetime import UTC, datetime
from email import policy
from email.errors import MessageError
from email.header import Header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid

# Raise on anything the email package finds wrong instead of noting a defect and going on; a
# 7-bit body (quoted-printable) passes any relay, with or without 8BITMIME.
POLICY = policy.SMTP.clone(raise_on_defect=True, cte_type="7bit")
MAX_HEADER_TEXT = 300  # characters of text in one header; a vacancy title has at most 200

# Control, format, line and paragraph separators, surrogates, private use and unassigned.
_STRIPPED = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*")
# A plain addr-spec: dot-atom local part and a host name; no quotes, comments, routes or groups.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_MIME = ("content-type", "content-transfer-encoding", "mime-version")


class HeaderName(enum.StrEnum):
    FROM = "From"
    TO = "To"
    SUBJECT = "Subject"
    DATE = "Date"
    MESSAGE_ID = "Message-ID"


ADDRESS_HEADERS = {HeaderName.FROM, HeaderName.TO}


class InvalidMessage(ValueError):
    """A message that cannot be written safely; sending it again would not help."""


class WrittenHeader(str):
    """A header value as `header` wrote it: the policy folds it as it stands (the `name` and
    `fold` of the email package's header objects), so the email package never parses it."""

    name: str
    display_name: str
    address: str | None
    _lines: tuple[str, ...]

    def __new__(cls, name: HeaderName, text: str, lines: list[str],
                address: str | None = None) -> "WrittenHeader":
        written = super().__new__(cls, f"{text} <{address}>" if text and address else
                                  address or text)
        written.name, written.display_name, written.address = name.value, text, address
        written._lines = tuple(lines)
        return written

    def fold(self, *, policy: policy.Policy) -> str:
        return f"{self.name}: {policy.linesep.join(self._lines)}{policy.linesep}"


def clean_text(value: str) -> str:
    """Make one line of text: every control or separator character becomes a single space."""
    text = "".join(" " if unicodedata.category(ch) in _STRIPPED else ch for ch in str(value))
    return " ".join(text.split())  # also folds \x1c-\x1f, \x85 and Unicode spaces


def clean_body(value: str) -> str:
    """Keep a body's lines and tabs; every other control or separator character is a space."""
    text = re.sub(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]", "\n", str(value))
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in _STRIPPED else " "
                   for ch in text)


def header(name: HeaderName, text: str = "", *, address: str | None = None) -> WrittenHeader:
    """Write one header from text (and, for From and To, an address); refuse what cannot be."""
    name = HeaderName(name)
    text = clean_text(text)
    if len(text) > MAX_HEADER_TEXT:
        text = text[:MAX_HEADER_TEXT - 1].rstrip() + "\u2026"
    if name in ADDRESS_HEADERS:
        address = _ascii_domain(address)
        if address is None or not _ADDRESS.fullmatch(address) or "=?" in address \
                or len(address) > 254:
            raise InvalidMessage(f"{name.value}: not a plain e-mail address")
        phrase = _phrase(name, text) if text else []
        if phrase:
            phrase[-1] += f" <{address}>"
            return WrittenHeader(name, text, phrase, address)
        return WrittenHeader(name, "", [address], address)
    if address is not None:
        raise InvalidMessage(f"{name.value}: takes no address")
    if name is HeaderName.SUBJECT:
        return WrittenHeader(name, text, _encoded(name, text, plain=_plain(text)))
    if not text or not _plain(text):  # Date and Message-ID are made here, never by a person
        raise InvalidMessage(f"{name.value}: not plain ASCII")
    return WrittenHeader(name, text, [text])


def _ascii_domain(address: str | None) -> str | None:
    """Write an internationalised domain in its ASCII form (IDNA); the local part stays as is
    (a non-ASCII one needs SMTPUTF8, which is not used, so it is refused)."""
    if address is None or "@" not in address:
        return address
    local, _at, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return None


def _plain(text: str) -> bool:
    """Whether text can be written as it is: printable ASCII that no reader takes for an
    encoded word, in words short enough to fold."""
    return (all(" " <= ch <= "~" for ch in text) and "=?" not in text
            and all(len(word) <= 60 for word in text.split(" ")))


def _phrase(name: HeaderName, text: str) -> list[str]:
    if _plain(text) and _ATEXT.fullmatch(text):
        return [text]
    if _plain(text):
        return ['"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"']
    return _encoded(name, text, plain=False)


def _encoded(name: HeaderName, text: str, *, plain: bool) -> list[str]:
    charset = "us-ascii" if plain else "utf-8"  # utf-8 makes encoded words of everything
    encoded = Header(text, charset, header_name=name.value).encode(splitchars=" ", maxlinelen=78,
                                                            linesep="\n")
    return encoded.split("\n")


def build(*, sender: WrittenHeader, recipient: WrittenHeader, subject: WrittenHeader,
          body: str, domain: str = "fairscreen", message_id: str | None = None) -> bytes:
    """Make the bytes of a plain-text message and check that they read back as written.

    `message_id` (without brackets) names the message the same on every attempt, so that a
    receiver can tell a copy; without it a fresh one is made.
    """
    message = EmailMessage(policy=POLICY)
    msgid = f"<{message_id}@{domain}>" if message_id else make_msgid(domain=domain)
    written = [sender, recipient, subject,
               header(HeaderName.DATE, format_datetime(datetime.now(UTC))),
               header(HeaderName.MESSAGE_ID, msgid)]
    for value in written:
        message[value.name] = value
    try:
        message.set_content(clean_body(body))
        wire = message.as_bytes()
    except (MessageError, ValueError, UnicodeError) as error:
        raise InvalidMessage(type(error).__name__) from None
    check(wire, written)
    return wire


def check(wire: bytes, written: list[WrittenHeader]) -> None:
    """Parse a message strictly: no defect, exactly the written headers, each reading back the
    same. Raise InvalidMessage otherwise."""
    try:
        parsed = BytesParser(policy=POLICY).parsebytes(wire)  # raises on a message defect
        headers = [(key, parsed[key]) for key in parsed.keys()]  # parsed on access
    except Exception as error:  # the parser fails in many ways on malformed input
        raise InvalidMessage(type(error).__name__) from None
    if parsed.defects or any(value.defects for _key, value in headers):
        raise InvalidMessage("a header is not valid")
    names = [key.lower() for key, _value in headers if key.lower() not in _MIME]
    if names != [value.name.lower() for value in written]:
        raise InvalidMessage("the message does not hold exactly the headers written")
    for value in written:
        back = parsed[value.name]
        if value.address is not None:
            read = [(a.display_name, a.addr_spec) for a in back.addresses]
            if read != [(value.display_name, value.address)]:
                raise InvalidMessage(f"{value.name} does not read back as written")
        elif str(back) != str(value):
            raise InvalidMessage(f"{value.name} does not read back as written")
