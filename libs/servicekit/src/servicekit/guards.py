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

Where a view's arguments are a JSON body, :class:`GuardedParser` also refuses

- a body that is not JSON (another content type, or an empty body said to be JSON) with a 400: it
  used to be read as ``{}``, so a ``curl -d`` without ``Content-Type`` ran the step with defaults,
- no body at all where the schema requires a field (a 400, as the OpenAPI document says the body is
  required); a schema that requires nothing still takes a request without a body as ``{}``,
- a value a number field would misread (``3.7`` for an integer, full-width digits) with a 422,
  before the schema truncates it (:mod:`servicekit.exact`), in the body and the query string alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, g, request
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
_PARSED_BODY = "servicekit_json_body"


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
    if json_depth(text) > max_depth:
        raise RefusedInput(400, f"the JSON body nests deeper than {max_depth} levels", f"JSON 嵌套超过 {max_depth} 层")

    def bounded_int(literal: str) -> int:
        if len(literal.lstrip("-")) > max_integer_digits:
            raise RefusedInput(400, f"the JSON body holds an integer of more than {max_integer_digits} digits",
                                   f"JSON 中的整数超过 {max_integer_digits} 位")
        return int(literal)

    try:
        value = json.loads(text, parse_int=bounded_int)
    except RefusedInput:
        raise
    except (ValueError, RecursionError):
        return None  # not JSON: webargs answers that with its own 400
    check_text(value, "json")
    return value


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

    @app.before_request
    def _guard_input() -> Response | None:
        try:
            query = {key: request.args.getlist(key) for key in request.args}
            check_text(query, "query")
            if request.is_json and request.content_length != 0:
                text = request.get_data(cache=True).decode("utf-8", errors="replace")
                body = load_json(text, max_depth=max_json_depth, max_integer_digits=max_integer_digits)
                if body is not None:
                    setattr(g, _PARSED_BODY, body)
        except RefusedInput as refused:
            return problem(refused.status, None, refused.message, errors=refused.errors)
        return None


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
