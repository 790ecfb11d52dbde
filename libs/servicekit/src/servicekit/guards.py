"""Input every service refuses before a view sees it: hostile JSON and text a database cannot store.

A JSON body is parsed once, here, within limits; the schemas of flask-smorest's arguments read that
parsed body (:class:`GuardedParser`) instead of parsing it again. What is refused:

- nested deeper than ``max_json_depth`` (the parser would recurse until Python's stack limit),
- integers longer than ``max_integer_digits`` (Python refuses to convert more than 4,300 digits,
  and no field of ours needs a number that long),
- text holding a NUL character (PostgreSQL cannot store it) or a lone UTF-16 surrogate (it cannot
  be encoded as UTF-8 at all), in the body, in a key, or in the query string;

each answers a 400 or 422 problem, and the request changes nothing. The body size limit is
Flask's ``MAX_CONTENT_LENGTH`` (a 413 problem); ``install_input_guards`` sets a default when the
service has none.

The guards apply whatever the content type says: a sender that pushes JSON as ``text/plain`` or
with no content type at all (an SMS provider's receipts) is parsed by a view that reads the body
itself, and a 40-deep body or a 100-digit integer sent that way answered 500. So every body that
is UTF-8 text and starts like a JSON value is checked, whatever it is called; not form posts and
uploads (werkzeug parses those as fields and files), binary bodies (not UTF-8: an image, a GBK CSV)
or bodies over the app-wide limit (a route with a larger one). And a :class:`RefusedInput` a view
raises itself (calling :func:`load_json`) is answered as the guard would have, never as a 500.

Where a view's arguments are a JSON body, :class:`GuardedParser` also refuses

- a body that is not JSON (another content type, or an empty body said to be JSON) with a 400: it
  used to be read as ``{}``, so a ``curl -d`` without ``Content-Type`` ran the step with defaults,
- no body at all where the schema requires a field (a 400, as the OpenAPI document says the body is
  required); a schema that requires nothing still takes a request without a body as ``{}``,
- a value a number field would misread (``3.7`` for an integer, full-width digits) with a 422,
  before the schema truncates it (:mod:`servicekit.exact`), in the body and the query string alike.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, g, request
from marshmallow import Schema, ValidationError
from webargs import core
from webargs.flaskparser import FlaskParser

from servicekit.errors import Message
from servicekit.exact import number_errors
from servicekit.web import problem, refuse

MAX_JSON_DEPTH = 32
MAX_INTEGER_DIGITS = 64
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

# A JSON string literal, unrolled so a long string is one linear scan without backtracking.
_STRING_LITERAL = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Where a JSON text could give a string holding one: a NUL or a surrogate, raw or escaped (\u0000,
# \uD800-\uDFFF). A text without any holds no such string once parsed, and is not walked
# (:func:`may_hold_unstorable`: each test a scan in C, quicker than one regex over Chinese text).
_ESCAPED_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")
_PARSED_BODY = "servicekit_json_body"
# Bodies werkzeug parses into form fields and files; anything else may be JSON, whatever it is called.
_FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
# The first character of a JSON text (RFC 8259): an object, an array, a string, a number or a literal.
_JSON_START = frozenset(b'{["-0123456789tfn')


class RefusedInput(ValueError):
    """Input outside the limits; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, en: str, zh: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(en)
        self.message = Message(en, zh)
        self.status = status
        self.errors = errors


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest, brackets inside strings not counted."""
    brackets = _NOT_A_BRACKET.sub("", _STRING_LITERAL.sub("", text))
    depth = deepest = 0
    for bracket in brackets:
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_json(text: str, *, max_depth: int = MAX_JSON_DEPTH, max_integer_digits: int = MAX_INTEGER_DIGITS) -> Any:
    """Parse a JSON text within the limits above; raises :class:`RefusedInput`."""
    # A text cannot nest deeper than it has opening brackets: counting them is a scan in C, walking
    # the brackets outside strings a regex substitution or two (most bodies have a handful).
    if text.count("[") + text.count("{") > max_depth and json_depth(text) > max_depth:
        raise RefusedInput(400, f"the JSON body nests deeper than {max_depth} levels", f"JSON 嵌套超过 {max_depth} 层")
    try:
        value = _decoder(max_integer_digits).decode(text)
    except RefusedInput:
        raise
    except (ValueError, RecursionError):
        return None  # not JSON: webargs answers that with its own 400
    if may_hold_unstorable(text):  # walking 10,000 receipts' strings takes longer than storing them
        check_text(value, "json")
    return value


@functools.cache
def _decoder(max_integer_digits: int) -> json.JSONDecoder:
    """One decoder per limit: ``json.loads(text, parse_int=...)`` builds a decoder and its scanner
    on every call, which took longer than parsing a ticket's body."""

    def bounded_int(literal: str) -> int:
        if len(literal.lstrip("-")) > max_integer_digits:
            raise RefusedInput(400, f"the JSON body holds an integer of more than {max_integer_digits} digits",
                                   f"JSON 中的整数超过 {max_integer_digits} 位")
        return int(literal)

    return json.JSONDecoder(parse_int=bounded_int)


def may_hold_unstorable(text: str) -> bool:
    """Whether a JSON text could give a string holding a NUL or a lone surrogate once parsed: one
    raw (a surrogate is what UTF-8 cannot encode) or escaped (\\u0000, \\uD800-\\uDFFF)."""
    if "\x00" in text or ("\\u" in text and _ESCAPED_UNSTORABLE.search(text)):
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_body() -> Any:
    """The request's JSON body for a view that reads it itself (not through a schema): the one the
    guard parsed already, else the body parsed within the same limits (:func:`load_json`; None when
    it is not JSON)."""
    parsed = g.get(_PARSED_BODY)
    return parsed if parsed is not None else load_json(request.get_data(as_text=True) or "null")


def check_text(value: Any, location: str) -> None:
    """Refuse (422) any string in ``value``, keys included, that holds a NUL or a lone surrogate."""
    bad = sorted({path for path, text in _strings(value, "") if _UNSTORABLE.search(text)})
    if bad:
        raise RefusedInput(422, "text must not hold NUL characters or unpaired surrogates",
                           "文本不能包含 NUL 字符或不成对的代理字符",
                           errors={location: {_UNSTORABLE.sub("\ufffd", path) or "<body>":
                                              ["holds a character that cannot be stored"] for path in bad[:20]}})


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            yield name, str(key)
            yield from _strings(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def install_input_guards(app: Flask, *, max_json_depth: int = MAX_JSON_DEPTH,
                         max_integer_digits: int = MAX_INTEGER_DIGITS) -> None:
    """Refuse hostile input before any view runs (see the module's docstring).

    Install it after authentication, so an anonymous caller's body is never parsed.
    """
    app.config.setdefault("MAX_CONTENT_LENGTH", DEFAULT_MAX_BODY_BYTES)
    if app.config["MAX_CONTENT_LENGTH"] is None:
        app.config["MAX_CONTENT_LENGTH"] = DEFAULT_MAX_BODY_BYTES

    def refused_answer(refused: RefusedInput) -> Response:
        return problem(refused.status, None, refused.message, errors=refused.errors)

    @app.before_request
    def _guard_input() -> Response | None:
        try:
            query = {key: request.args.getlist(key) for key in request.args}
            check_text(query, "query")
            text = _body_text()
            if text is not None:
                body = load_json(text, max_depth=max_json_depth, max_integer_digits=max_integer_digits)
                if body is not None and request.is_json:
                    setattr(g, _PARSED_BODY, body)  # webargs reads declared JSON only, so only that
        except RefusedInput as refused:
            return refused_answer(refused)
        return None

    # A view that parses a body itself (with load_json) is refused alike, not answered 500.
    app.register_error_handler(RefusedInput, refused_answer)


def _body_text() -> str | None:
    """The request's body as text when it may be JSON (see the module's docstring), else None."""
    if request.content_length == 0 or request.mimetype in _FORM_TYPES:
        return None
    if request.is_json:
        data = request.get_data(cache=True)
        return data.decode("utf-8", errors="replace") if data else None
    # Undeclared JSON is read here only within the app-wide limit: a route that takes more (a
    # household import) raises its own limit in the view, and reading first would answer 413. A
    # body left unread here is still refused alike if its view parses it with load_json.
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None or (limit is not None and request.content_length > limit):
        return None
    data = request.get_data(cache=True)
    start = data.lstrip()[:1]
    if not start or start[0] not in _JSON_START:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # binary, whatever its first byte: not JSON


class GuardedParser(FlaskParser):
    """webargs' parser, reading the JSON body the guard parsed already (a body the guard could not
    parse, or a request without guards, is parsed as webargs always does, errors included), refusing
    a body that is not JSON and numbers a schema would misread (see the module's docstring)."""

    def _raw_load_json(self, req: Any) -> Any:
        body = g.get(_PARSED_BODY)
        return super()._raw_load_json(req) if body is None else body

    def load_json(self, req: Any, schema: Schema) -> Any:
        sent = req.get_data(cache=True)
        if not core.is_json(req.mimetype):
            if sent:
                refuse(400, "the body must be JSON, sent with Content-Type: application/json",
                       "请求内容应为 JSON，并带 Content-Type: application/json", errors={"json": ["Not a JSON body."]})
            if any(field.required for field in schema.load_fields.values()):
                refuse(400, "this request needs a JSON body", "此请求需要 JSON 请求内容",
                       errors={"json": ["No JSON body."]})
            return core.missing
        if not sent.strip():
            refuse(400, "the body is empty; send a JSON object ({} when there is nothing to say)",
                   "请求内容为空；请发送 JSON 对象（无内容时发送 {}）", errors={"json": ["Empty JSON body."]})
        return super().load_json(req, schema)

    def pre_load(self, location_data: Any, *, schema: Schema, req: Any, location: str) -> Any:
        errors = number_errors(schema, location_data)
        if errors:
            raise ValidationError(errors)
        return location_data
