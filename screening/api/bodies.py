"""JSON request bodies read within bounds, before any schema sees them.

Python's parser recurses once per level of nesting and refuses integers of more than 4,300
digits with a plain ValueError: both would be a 500. Here the nesting is measured first, in one
pass over the text, and every number is checked as it is parsed; NaN and Infinity, which
Python accepts and JSON does not have, are refused too. The blueprints' argument parser reads
bodies through this module only.
"""

import json
import math
import re
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

# A JSON string literal, escapes included: brackets inside one do not nest.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_OPENERS = frozenset("[{")


class BodyRefused(ValueError):
    """A JSON body the API does not read: its problem type and a message for the client."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem, self.message = problem, message


def depth(text: str) -> int:
    """Return how deeply the arrays and objects of a JSON text nest, strings left out."""
    deepest = level = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        level += 1 if bracket in _OPENERS else -1
        deepest = max(deepest, level)
    return deepest


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
    if depth(text) > MAX_DEPTH:
        raise BodyRefused("json-too-deep", _(
            "The request body nests arrays and objects more than %(depth)d levels deep.",
            depth=MAX_DEPTH))
    try:
        return json.loads(text, parse_int=_integer, parse_float=_float,
                          parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise BodyRefused("invalid-json", _(
            "The request body is not valid JSON (line %(line)d, column %(column)d).",
            line=error.lineno, column=error.colno)) from None


class BoundedParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies through `loads` and refusing with 400."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        raw = req.get_data(cache=True) if is_json_request(req) else b""
        if not raw:
            return missing  # as webargs does: the schema then names the required fields
        try:
            return loads(raw)
        except BodyRefused as refused:
            abort(400, problem=refused.problem, message=refused.message)


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint whose request bodies are read by the bounded parser."""

    ARGUMENTS_PARSER = BoundedParser()
