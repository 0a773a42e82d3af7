"""Where a `next` or `back` parameter may send the browser: to a path on this site only."""

from urllib.parse import unquote, urlsplit

MAX_TARGET = 2000


def safe_target(value: object, fallback: str) -> str:
    """Return `value` if it is a relative path on this host, else `fallback`.

    Browsers drop tabs and line breaks inside URLs, read a backslash as a slash and follow a
    leading `//` to another host, so only printable ASCII without backslashes is accepted, and
    the path must begin with exactly one slash, before and after percent-decoding.
    """
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TARGET:
        return fallback
    if not (_plain(value) and _one_leading_slash(value)):
        return fallback
    # Not urlsplit's path: it reads "///host" as an empty authority and the path "/host".
    decoded = unquote(value.partition("#")[0].partition("?")[0])
    if not (_plain(decoded) and _one_leading_slash(decoded)):
        return fallback
    parts = urlsplit(value)
    return fallback if parts.scheme or parts.netloc else value


def _plain(text: str) -> bool:
    return all("!" <= char <= "~" and char != "\\" for char in text)


def _one_leading_slash(path: str) -> bool:
    return path.startswith("/") and not path.startswith("//")
