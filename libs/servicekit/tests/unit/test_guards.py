"""Generic input guards, masking in logs, aware datetimes on SQLite, and the OpenAPI post-processing."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select
from tenancy.privacy import mask_email, mask_id_number

from servicekit.db import UtcDateTime
from servicekit.guards import RefusedInput, install_input_guards, json_depth, load_json, may_hold_unstorable
from servicekit.logs import JsonFormatter, mask_long_numbers
from servicekit.web import install_problem_details, problem_openapi


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth("[" * 500 + "]" * 500) == 500


@pytest.mark.parametrize(("text", "status"), [
    ("[" * 1000 + "]" * 1000, 400),
    ('{"n": ' + "1" * 5000 + "}", 400),
    ('{"n": "a\\u0000"}', 422),
    ('{"n": "\\ud800"}', 422),
    ('{"\\u0000": 1}', 422),
])
def test_hostile_json_is_refused(text, status):
    with pytest.raises(RefusedInput) as refused:
        load_json(text)
    assert refused.value.status == status


# The one regex the guard used to search every body with, kept as the reference.
_REFERENCE_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]|\\u(?:0000|[dD][89abcdefABCDEF])")


@pytest.mark.parametrize("text", [
    '{"a": "plain"}', '{"a": "厨房水管漏水"}', '{"a": "a\x00b"}', '{"a": "\ud800"}', '{"a": "x\udfff"}',
    '{"a": "\\u0000"}', '{"a": "\\uD83D\\uDE00"}', '{"a": "\\ud9ab"}', '{"a": "\\u4e2d\\u6587"}',
    '{"a": "\\u00001"}', '{"a": "\\\\u0000"}', '{"a": "😀"}', '"\\uDc00"', '"\\u000"', "",
])
def test_the_quick_test_for_unstorable_text_agrees_with_the_regex(text):
    assert may_hold_unstorable(text) is bool(_REFERENCE_UNSTORABLE.search(text))


def test_the_limits_hold_for_every_limit_asked_the_decoders_being_kept():
    assert load_json('{"n": 123456}', max_integer_digits=6) == {"n": 123456}
    with pytest.raises(RefusedInput):
        load_json('{"n": 1234567}', max_integer_digits=6)
    assert load_json('{"n": 1234567}') == {"n": 1234567}  # the default limit's decoder is another
    assert load_json("[[[]]]", max_depth=3) == [[[]]]
    with pytest.raises(RefusedInput):
        load_json("[[[[]]]]", max_depth=3)
    assert load_json('["[[[[", "{{{{"]', max_depth=1) == ["[[[[", "{{{{"]  # brackets in strings do not nest
    assert load_json("\ufeff{}") is None  # a BOM is not JSON, as json.loads says


def test_ordinary_json_passes_paired_surrogates_included():
    assert load_json('{"n": "\\ud83d\\ude00", "k": [1, -2, 3.5]}') == {"n": "😀", "k": [1, -2, 3.5]}


@pytest.fixture
def guarded() -> Flask:
    app = Flask("guarded")
    install_problem_details(app)
    install_input_guards(app)

    @app.route("/echo", methods=["POST", "GET"])
    def echo():
        return {"body": request.get_json(silent=True), "args": request.args}

    return app


def test_the_guard_answers_problems_before_the_view(guarded):
    client = guarded.test_client()
    deep = client.post("/echo", data="[" * 2000 + "]" * 2000, content_type="application/json")
    assert deep.status_code == 400 and deep.mimetype == "application/problem+json"
    nul = client.get("/echo?q=a%00b")
    assert nul.status_code == 422
    assert nul.json["errors"] == {"query": {"q.0": ["holds a character that cannot be stored"]}}
    assert client.post("/echo", json={"n": "张伟"}).json["body"] == {"n": "张伟"}
    assert guarded.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


HOSTILE_BODIES = [
    ("[" * 40 + "]" * 40, 400),
    ('[{"n": ' + "1" * 100 + "}]", 400),
    ("1" * 100, 400),
    ('[{"n": "a\\u0000"}]', 422),
    ('[{"n": "\\udc00"}]', 422),
    ('"\\ud800"', 422),
]


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain; charset=utf-8", None, "application/xml"])
@pytest.mark.parametrize(("body", "status"), HOSTILE_BODIES)
def test_the_guards_apply_whatever_the_content_type(guarded, content_type, body, status):
    # A provider's callback pushes JSON as text/plain (or nothing); its view parses the body itself.
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = guarded.test_client().post("/echo", data=body.encode(), headers=headers)
    assert answer.status_code == status and answer.mimetype == "application/problem+json"


@pytest.fixture
def parses_itself() -> Flask:
    """A view that reads its body as JSON whatever the content type, as notify's receipts callback."""
    app = Flask("parses_itself")
    install_problem_details(app)
    install_input_guards(app)

    @app.route("/callback", methods=["POST"])
    def callback():
        return {"body": load_json(request.get_data(as_text=True) or "null")}

    return app


@pytest.mark.parametrize(("body", "status"), HOSTILE_BODIES)
def test_a_refusal_raised_in_a_view_is_a_problem_never_a_500(parses_itself, body, status, monkeypatch):
    # Even when the guard let the body through (here: told nothing is JSON), the view's own
    # load_json refusal is answered as the guard would have answered it.
    monkeypatch.setattr("servicekit.guards._body_text", lambda: None)
    answer = parses_itself.test_client().post("/callback", data=body.encode(), content_type="text/plain")
    assert answer.status_code == status and answer.mimetype == "application/problem+json"


@pytest.mark.parametrize(("data", "content_type"), [
    (b"[" * 40 + b"\xff\xfe" + b"]" * 40, "application/octet-stream"),  # binary: not UTF-8
    ("name,mobile\n张伟,13800000001\n".encode("gb18030"), "text/csv; charset=gb18030"),
    (b"plain words [[[[", "text/plain"),
])
def test_bodies_that_cannot_be_json_pass_to_the_view(guarded, data, content_type):
    assert guarded.test_client().post("/echo", data=data, content_type=content_type).status_code == 200


def test_form_posts_are_left_to_werkzeug(guarded):
    answer = guarded.test_client().post("/echo", data={"q": "[" * 40}, content_type="multipart/form-data")
    assert answer.status_code == 200


def test_a_405_problem_names_the_allowed_methods(guarded):
    response = guarded.test_client().delete("/echo")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_log_lines_mask_mobiles_and_id_numbers_but_keep_uuids_and_counts():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("test"))
    log = logging.getLogger("test.masking")
    log.addHandler(handler)
    try:
        log.warning("bad mobile 13912340001 for 11010519491231002X, 1234567 rows, id %s",
                    "52d2681a-7930-4662-b953-205123454440")
    finally:
        log.removeHandler(handler)
    message = json.loads(stream.getvalue())["message"]
    assert "13912340001" not in message and "11010519491231002X" not in message
    assert "139****0001" in message and "1234567 rows" in message and "205123454440" in message
    assert mask_long_numbers("page=99999999999") == "page=999****9999"


def test_short_ids_and_emails_named_by_a_mobile_are_masked():
    assert mask_id_number("AB12345678") == "******5678"
    assert mask_id_number("12345") == "***45"
    assert mask_email("13912340001@139.com") == "139****0001@139.com"
    assert mask_email("li.na@example.com") == "li.na@example.com"


def test_utc_datetime_reads_back_aware_on_sqlite_and_stores_the_instant():
    engine = create_engine("sqlite://")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    table.metadata.create_all(engine)
    local = datetime(2025, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=8)))
    with engine.begin() as conn:
        conn.execute(insert(table).values(id=1, at=local))
        stored = conn.execute(select(table.c.at)).scalar_one()
        assert stored == local and stored.tzinfo is UTC
        assert conn.execute(select(table.c.id).where(table.c.at < datetime(2025, 5, 1, 3, tzinfo=UTC))).all()
        with pytest.raises(Exception, match="naive"):
            conn.execute(insert(table).values(id=2, at=datetime(2025, 1, 1)))


def test_problem_openapi_documents_errors_as_sent():
    document = {"paths": {"/x": {"patch": {
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/P"}}}},
        "responses": {"200": {"content": {"application/json": {}}}, "422": {"content": {"application/json": {}}}}}}},
        "components": {"schemas": {"P": {"properties": {"a": {"type": "number", "maximum": "10.00"}}}},
                       "responses": {"DEFAULT_ERROR": {"content": {"application/json": {}}}}}}
    fixed = problem_openapi(document)
    operation = fixed["paths"]["/x"]["patch"]
    assert list(operation["responses"]["422"]["content"]) == ["application/problem+json"]
    assert list(operation["responses"]["200"]["content"]) == ["application/json"]
    assert operation["requestBody"]["required"] is False
    assert fixed["components"]["schemas"]["P"]["properties"]["a"]["maximum"] == 10.0
    assert list(fixed["components"]["responses"]["DEFAULT_ERROR"]["content"]) == ["application/problem+json"]


def test_arguments_read_the_body_the_guard_parsed_instead_of_parsing_it_again(monkeypatch):
    import webargs.core
    from marshmallow import Schema, fields

    from servicekit.guards import GuardedParser

    app = Flask("guarded-parse")
    install_input_guards(app)
    parses: list[bytes] = []
    original = webargs.core.parse_json
    monkeypatch.setattr(webargs.core, "parse_json", lambda data, **kw: parses.append(data) or original(data, **kw))
    parser = GuardedParser()

    @app.post("/names")
    def names():
        return parser.parse(Schema.from_dict({"name": fields.String()})(), request, location="json")

    client = app.test_client()
    assert client.post("/names", json={"name": "王芳"}).json == {"name": "王芳"}
    assert parses == []  # webargs read the guard's parse
    bad = client.post("/names", data="{not json", content_type="application/json")
    assert bad.status_code == 400 and len(parses) == 1  # what the guard could not parse: webargs' own answer
