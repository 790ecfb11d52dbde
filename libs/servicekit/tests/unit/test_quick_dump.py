"""servicekit.dumping: answers dumped by plan give what Schema.dump gives, or Schema.dump does it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, post_dump

from servicekit.dumping import quick_dump, use_quick_dump


class Inner(Schema):
    id = fields.UUID()
    at = fields.DateTime(allow_none=True)


class Everything(Schema):
    id = fields.UUID()
    name = fields.String(allow_none=True)
    count = fields.Integer()
    as_text = fields.Integer(as_string=True)
    ratio = fields.Float()
    money = fields.Decimal(as_string=True)
    flag = fields.Boolean(allow_none=True)
    at = fields.DateTime()
    stamp = fields.DateTime(format="timestamp")
    on = fields.Date()
    renamed = fields.String(data_key="renamedKey")
    moved = fields.String(attribute="source_key")
    defaulted = fields.String(dump_default="fallback")
    labels = fields.Dict(keys=fields.String(), values=fields.String())
    raw = fields.Dict()
    tags = fields.List(fields.String())
    inner = fields.Nested(Inner)
    inners = fields.List(fields.Nested(Inner))
    computed = fields.Method("compute")
    items = fields.String()  # a dict's method of that name is what marshmallow reads when the key is missing

    def compute(self, obj: Any) -> str:
        return "computed"


def full() -> dict[str, Any]:
    at = datetime(2026, 12, 6, 8, 30, 1, 123456, tzinfo=UTC)
    return {"id": uuid.uuid4(), "name": "张三", "count": 3, "as_text": 4, "ratio": 0.5, "money": Decimal("1.10"),
            "flag": 1, "at": at, "stamp": at, "on": date(2026, 12, 6), "renamed": "r", "source_key": "s",
            "labels": {"zh": "已受理", "en": "Received"}, "raw": {"a": [1]}, "tags": ["a", "b"],
            "inner": {"id": uuid.uuid4(), "at": None}, "inners": [{"id": uuid.uuid4(), "at": at}], "items": "x"}


def test_a_plain_schema_dumps_as_marshmallow_does() -> None:
    schema = Everything()
    reference = Everything()  # planning patches the nested schemas' dump: compare with an untouched one
    with_nones = {**full(), "name": None, "flag": None, "inner": None, "tags": None, "at": None}
    sparse = {"id": uuid.uuid4(), "count": 1}  # missing keys: left out, or their dump_default
    assert quick_dump(schema) != schema.dump  # planned, not handed back to marshmallow
    for obj in (full(), with_nones, sparse):
        assert quick_dump(schema)(obj) == reference.dump(obj)
        assert list(quick_dump(schema)(obj)) == list(reference.dump(obj))  # the same key order
    both = [full(), sparse]
    assert quick_dump(schema)(both, many=True) == reference.dump(both, many=True)


def test_many_schemas_and_objects_that_are_not_dicts() -> None:
    schema = Inner(many=True)
    rows = [{"id": uuid.uuid4(), "at": None}, {"id": uuid.uuid4(), "at": datetime.now(UTC)}]
    assert quick_dump(schema)(rows) == Inner(many=True).dump(rows)

    class Thing:
        id = uuid.uuid4()
        at = None

    assert quick_dump(Inner())(Thing()) == Inner().dump(Thing())


def test_a_schema_with_hooks_is_dumped_by_marshmallow() -> None:
    class Hooked(Schema):
        id = fields.UUID()

        @post_dump
        def shout(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            return {**data, "hooked": True}

    schema = Hooked()
    use_quick_dump(schema)
    assert schema.dump({"id": uuid.UUID(int=1)}) == {"id": str(uuid.UUID(int=1)), "hooked": True}


def test_a_dotted_attribute_is_dumped_by_marshmallow() -> None:
    class Dotted(Schema):
        city = fields.String(attribute="address.city")

    schema = Dotted()
    assert quick_dump(schema) == schema.dump
    assert schema.dump({"address": {"city": "上海"}}) == {"city": "上海"}
