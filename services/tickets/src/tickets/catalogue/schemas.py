"""Request and response schemas of the service catalogue."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.exact import ExactDecimal
from tickets.domain.catalogue import KINDS
from tickets.tickets.schemas import JsonBoolean

CODE = validate.Regexp(r"^[a-z0-9_\-]{1,40}$", error="lower-case letters, digits, - and _; at most 40")
_NAME = validate.Length(min=1, max=100)


def price_field(description: str, **kwargs: object) -> ExactDecimal:
    return ExactDecimal(maximum="1000000", metadata={"description": f"{description}, yuan (e.g. \"80.00\")"},
                        **kwargs)


class CatalogueMaterialSchema(Schema):
    name = fields.String(required=True, validate=_NAME)
    quantity = ExactDecimal(required=True, maximum="10000", exclusive_minimum=True)
    unit = fields.String(load_default="个", validate=validate.Length(min=1, max=20))


class BundleContentSchema(Schema):
    code = fields.String(required=True, validate=CODE, metadata={"description": "An item of the same catalogue"})
    quantity = ExactDecimal(load_default="1", maximum="10000", exclusive_minimum=True)


class CatalogueItemSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's default, every estate"})
    code = fields.String(required=True, validate=CODE)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), metadata={
        "description": "paid: a special service (特约服务); free: a convenience service (便民服务), price 0"})
    category = fields.String(load_default=None, allow_none=True, validate=CODE, metadata={
        "description": "e.g. plumbing: what commission rules by category match"})
    name_zh = fields.String(required=True, validate=_NAME)
    name_en = fields.String(required=True, validate=_NAME)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    unit = fields.String(load_default="次", validate=validate.Length(min=1, max=20),
                         metadata={"description": "What a quantity counts: 次, 小时, 米..."})
    price = price_field("What the owner pays per unit", required=True)
    cost = price_field("What one unit costs the company", required=True)
    ceiling = price_field("The government's standard (政府规定的收费标准): the price never exceeds it",
                          load_default=None, allow_none=True)
    materials = fields.List(fields.Nested(CatalogueMaterialSchema), load_default=list, validate=validate.Length(max=50))
    contents = fields.List(fields.Nested(BundleContentSchema), load_default=list, validate=validate.Length(max=50),
                           metadata={"description": "A bundle (服务套餐): the items it holds; empty for one service"})
    active = fields.Boolean(dump_only=True)
    margin = ExactDecimal(dump_only=True, minimum="-1000000", metadata={"description": "price - cost"})
    margin_rate = fields.Float(dump_only=True, allow_none=True, metadata={"description": "margin / cost"})
    version = fields.Integer(dump_only=True)


class CatalogueItemChangeSchema(Schema):
    """What changes of an item; the price is checked again with the rest as it is."""

    category = fields.String(allow_none=True, validate=CODE)
    name_zh = fields.String(validate=_NAME)
    name_en = fields.String(validate=_NAME)
    description = fields.String(validate=validate.Length(max=2000))
    unit = fields.String(validate=validate.Length(min=1, max=20))
    price = price_field("What the owner pays per unit")
    cost = price_field("What one unit costs the company")
    ceiling = price_field("The government's standard", allow_none=True)
    materials = fields.List(fields.Nested(CatalogueMaterialSchema), validate=validate.Length(max=50))
    active = JsonBoolean()


class CatalogueItemListArgs(Schema):
    estate_id = fields.UUID(metadata={"description": "One estate's catalogue: its own items and the "
                                      "operator's it does not replace"})
    kind = fields.String(validate=validate.OneOf(KINDS))
    category = fields.String(validate=CODE)
    include_inactive = fields.Boolean(load_default=False)
