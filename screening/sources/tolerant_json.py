"""JSON as tools leave it: what a JavaScript formatter makes of an export's data files.

A candidate (or their archive viewer) may have run `prettier` or an editor over the X archive's
`window.YTD...` files: keys lose their quotes, the last item gains a comma, strings holding
double quotes switch to single ones, lines end in CRLF, a BOM appears. Strict JSON is tried
first, so an untouched export costs one `json.loads`; only when that fails is the text
rewritten in one regular-expression pass (linear, no recursion) and parsed again.
Anything else that is not JSON (comments, expressions, JavaScript escapes) stays an error.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Alternatives are tried at every position outside a string; a string is always consumed whole
# first, so commas, braces and words inside strings are never touched.
_TOKEN = re.compile(
    r"""
      (?P<double>"[^"\\]*(?:\\.[^"\\]*)*")
    | '(?P<single>[^'\\]*(?:\\.[^'\\]*)*)'
    | (?<=[{,])(?P<space>\s*)(?P<key>[A-Za-z_$][A-Za-z0-9_$]*)(?=\s*:)
    | (?<=[^\s\[{,])(?P<lead>\s*),(?=\s*[\]}])  # after a value: `[,]` is no list
    """,
    re.VERBOSE | re.DOTALL,
)
_SINGLE_ESCAPE = re.compile(r"\\(.)|\"", re.DOTALL)


def loads(data: bytes | str) -> Any:
    """Parse JSON, or JSON as a JavaScript formatter rewrote it; raise ValueError otherwise.

    Accepts a BOM, CRLF, bare object keys, single-quoted strings and one trailing comma
    before a closing bracket. RecursionError (deep nesting) is raised as ValueError too.
    """
    text = _decode(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    try:
        return _parse(text)
    except ValueError as strict_error:
        try:
            return _parse(_TOKEN.sub(_rewrite, text))
        except ValueError:
            raise strict_error from None


def _decode(data: bytes) -> str:
    # json's own detection: UTF-8 with or without a BOM, UTF-16 and UTF-32.
    return data.decode(json.detect_encoding(data)).removeprefix("\ufeff")


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


def _rewrite(match: re.Match[str]) -> str:
    if match["double"] is not None:
        return match["double"]
    if match["single"] is not None:
        return '"' + _SINGLE_ESCAPE.sub(_requote, match["single"]) + '"'
    if match["key"] is not None:
        return f'{match["space"]}"{match["key"]}"'
    return match["lead"]  # a trailing comma goes


def _requote(match: re.Match[str]) -> str:
    """Inside a single-quoted string: `\\'` is a plain quote, a bare `"` needs escaping."""
    if match[0] == '"':
        return '\\"'
    return "'" if match[1] == "'" else match[0]
