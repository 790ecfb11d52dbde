"""Numbers are what they claim to be: an integer field refuses 3.7 instead of storing 3, a phone number
is ASCII digits, and a body that is not JSON where JSON is expected is a 400 (issue 15)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields

from servicekit.exact import PhoneNumber, ascii_digits, number_errors, phone_digits
from servicekit.guards import GuardedParser, install_input_guards
from servicekit.web import ProblemDetailsApi


class Building(Schema):
    floors = fields.Integer(required=True)
    area = fields.Decimal()
    rooms = fields.List(fields.Integer())
    entrances = fields.Nested(Schema.from_dict({"number": fields.Integer()}), many=True)
    phone = PhoneNumber()


class Remark(Schema):
    note = fields.String()


class Page(Schema):
    limit = fields.Integer()


@pytest.fixture
def client():
    class Guarded(Blueprint):
        ARGUMENTS_PARSER = GuardedParser()

    app = Flask("exact")
    app.config.update(API_TITLE="exact", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    install_input_guards(app)
    api = ProblemDetailsApi(app)
    blp = Guarded("b", __name__)

    @blp.post("/buildings")
    @blp.arguments(Building)
    def building(arguments):
        return {"floors": arguments["floors"], "phone": arguments.get("phone")}

    @blp.post("/remarks")
    @blp.arguments(Remark)
    def remark(arguments):
        return arguments

    @blp.get("/page")
    @blp.arguments(Page, location="query")
    def page(arguments):
        return arguments

    api.register_blueprint(blp)
    return app.test_client()


@pytest.mark.parametrize("floors", [3.7, 3.0, True, "3.7", "３", "1_000", " 3", 1e3])
def test_an_integer_field_refuses_what_is_not_an_integer_instead_of_truncating_it(client, floors):
    answer = client.post("/buildings", json={"floors": floors})
    assert answer.status_code == 422, answer.json
    assert list(answer.json["errors"]["json"]) == ["floors"]


def test_integers_as_json_integers_or_their_ascii_digits_still_load(client):
    assert client.post("/buildings", json={"floors": 3}).json["floors"] == 3
    assert client.post("/buildings", json={"floors": "12"}).json["floors"] == 12
    assert client.post("/buildings", json={"floors": -1, "rooms": [1, 2]}).json["floors"] == -1


def test_integers_inside_lists_and_nested_objects_and_in_the_query_string_are_checked(client):
    inner = client.post("/buildings", json={"floors": 3, "rooms": [1, 2.5], "entrances": [{"number": 1},
                                                                                          {"number": 1.5}]})
    assert inner.status_code == 422
    errors = inner.json["errors"]["json"]
    assert set(errors) == {"rooms", "entrances"}
    assert list(errors["rooms"]) == ["1"] and list(errors["entrances"]["1"]) == ["number"]
    assert client.get("/page?limit=20").json == {"limit": 20}
    for limit in ("2.5", "%EF%BC%92", "1_0"):
        assert client.get(f"/page?limit={limit}").status_code == 422, limit


def test_other_numbers_written_as_text_must_use_ascii_digits(client):
    assert client.post("/buildings", json={"floors": 3, "area": "８９.５"}).status_code == 422
    assert client.post("/buildings", json={"floors": 3, "area": "89.5"}).status_code == 200


@pytest.mark.parametrize(("sent", "kwargs"), [
    ("/buildings", {"data": "", "content_type": "application/json"}),
    ("/remarks", {"data": "", "content_type": "application/json"}),
    ("/remarks", {"data": " ", "content_type": "application/json"}),
    ("/buildings", {"data": "floors=3", "content_type": "application/x-www-form-urlencoded"}),
    ("/remarks", {"data": '{"note": "x"}', "content_type": "text/plain"}),
    ("/buildings", {}),  # no body where the schema requires a field
    ("/buildings", {"data": "{floors: 3", "content_type": "application/json"}),
])
def test_a_body_that_is_not_json_where_json_is_expected_is_a_400(client, sent, kwargs):
    answer = client.post(sent, **kwargs)
    assert answer.status_code == 400, answer.json
    assert answer.mimetype == "application/problem+json"
    chinese = client.post(sent, headers={"Accept-Language": "zh-CN"}, **kwargs)
    assert chinese.status_code == 400 and chinese.headers["Content-Language"] == "zh-CN"


def test_a_request_without_a_body_where_nothing_is_required_is_read_as_an_empty_object(client):
    assert client.post("/remarks").status_code == 200
    assert client.post("/remarks", json={}).json == {}


@pytest.mark.parametrize(("written", "stored"), [
    ("13812345678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),  # full-width, as a Chinese input method types it
    ("١٣٨١٢٣٤٥٦٧٨", "13812345678"),  # Arabic-Indic digits
    ("＋86 138-1234-5678", "+8613812345678"),
    ("(0755) 8888.1234", "075588881234"),
])
def test_a_phone_number_is_ascii_digits_after_normalisation(written, stored):
    assert phone_digits(written) == stored
    assert PhoneNumber().deserialize(written) == stored


@pytest.mark.parametrize("written", ["call me", "138１２３４５６７８x", "+", "1" * 21, "13812345678 转 3", "+86+138"])
def test_what_is_not_a_phone_number_is_refused(written):
    with pytest.raises(ValueError, match="phone number"):
        phone_digits(written)
    with pytest.raises(ValidationError):
        PhoneNumber().deserialize(written)


def test_ascii_digits_leaves_everything_but_digits_and_full_width_signs_alone():
    assert ascii_digits("３栋１２０２室") == "3栋1202室"
    assert ascii_digits("张伟") == "张伟"


def test_number_errors_reads_data_keys_and_skips_nulls():
    schema = Schema.from_dict({"count": fields.Integer(data_key="n", allow_none=True)})()
    assert number_errors(schema, {"n": None}) == {}
    assert list(number_errors(schema, {"n": 1.5})) == ["n"]
    assert number_errors(schema, ["not", "a", "mapping"]) == {}


@pytest.mark.parametrize("sent", [0, 1, "true", "yes", "on", None, [], {}])
def test_a_json_boolean_is_true_or_false_and_nothing_else(sent):
    from servicekit.exact import JsonBoolean

    flag = Schema.from_dict({"active": JsonBoolean(allow_none=False)})()
    assert flag.load({"active": False}) == {"active": False}
    with pytest.raises(ValidationError):
        flag.load({"active": sent})
