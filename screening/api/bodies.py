"""JSON request bodies read within bounds, before any schema sees them.

Python's parser recurses once per level of nesting and refuses integers of more than 4,300
digits with a plain ValueError: both would be a 500. Here the size is bounded, the nesting is
measured first in one linear pass over the text, and every number is checked as it is parsed;
NaN and Infinity, which Python accepts and JSON does not have, are refused too. The API's
blueprints read bodies through this module only.
"""

import json
import math
import re
from http import HTTPStatus
from typing import Any, NoReturn

import flask
import flask_smorest
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import missing
from webargs.flaskparser import FlaskParser, is_json_request

MAX_DEPTH = 32
# Enough for any id or count (a 64-bit integer has 19 digits); a field may accept less.
MAX_DIGITS = 20

MAX_BYTES = 1024 * 1024  # the largest valid request, all of it escaped, is under 0.5 MiB

# A string literal, or a bracket outside one. A string runs to its closing quote or, if there is
# none, to the end of the text: a match never fails once begun, so the scan stays linear
# whatever the quotes and backslashes (a pattern that had to find the closing quote took
# quadratic time on a body of escaped quotes).
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*\\?(?:"|\Z)|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset("[{")


class BodyRefused(ValueError):
    """A JSON body the API does not read: its problem type and a message for the client."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem, self.message = problem, message


def too_deep(text: str) -> bool:
    """Tell whether the arrays and objects of a JSON text nest deeper than MAX_DEPTH."""
    level = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in _OPENERS:
            level += 1
            if level > MAX_DEPTH:
                return True
        elif bracket[0] != '"':
            level -= 1
    return False


def _digits(literal: str) -> int:
    mantissa = re.split("[eE]", literal, maxsplit=1)[0]
    return sum(ch.isdigit() for ch in mantissa)


def _too_large() -> BodyRefused:
    return BodyRefused("json-number-too-large", _(
        "A number in the request body has more than %(digits)d digits or is too large.",
        digits=MAX_DIGITS))


def _integer(literal: str) -> int:
    if _digits(literal) > MAX_DIGITS:
        raise _too_large()
    return int(literal)


def _float(literal: str) -> float:
    value = float(literal)
    if _digits(literal) > MAX_DIGITS or not math.isfinite(value):
        raise _too_large()
    return value


def _constant(name: str) -> NoReturn:
    raise BodyRefused("invalid-json", _(
        "The request body is not JSON: %(name)s is not a JSON value.", name=name))


def loads(raw: bytes) -> Any:
    """Parse a JSON body of UTF-8 bytes within the limits; BodyRefused says why not."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused("invalid-json", _("The request body is not UTF-8 text.")) from None
    if too_deep(text):
        raise BodyRefused("json-too-deep", _(
            "The request body nests arrays and objects more than %(depth)d levels deep.",
            depth=MAX_DEPTH))
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_float,
                           parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise BodyRefused("invalid-json", _(
            "The request body is not valid JSON (line %(line)d, column %(column)d).",
            line=error.lineno, column=error.colno)) from None
    _require_text(value)
    return value


def _require_text(value: Any) -> None:
    """Refuse a lone surrogate escape (\\ud800): JSON lets it through, no database stores it."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefused("invalid-json", _(
            "The request body holds half a character: a lone surrogate escape.")) from None


class BoundedParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies through `loads` and refusing with 400."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        raw = req.get_data(cache=True) if is_json_request(req) else b""
        if not raw:
            return missing  # as webargs does: the schema then names the required fields
        if len(raw) > MAX_BYTES:
            abort(413, problem="json-too-large", message=_(
                "The request body is larger than %(size)d bytes.", size=MAX_BYTES))
        try:
            return loads(raw)
        except BodyRefused as refused:
            abort(400, problem=refused.problem, message=refused.message)


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose request bodies are read by the bounded parser."""

    ARGUMENTS_PARSER = BoundedParser()

    def arguments(self, schema, *, location: str = "json", **kwargs):
        """Read arguments as flask-smorest does; document a JSON body's refusals (400, 413)."""
        read = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return read

        def decorate(view):
            for code in (400, 413):
                view = self.alt_response(code, response=HTTPStatus(code).name)(view)
            return read(view)
        return decorate
