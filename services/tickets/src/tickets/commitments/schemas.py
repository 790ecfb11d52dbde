"""The commitments API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields

from servicekit.exact import ExactDecimal


class CommitmentsArgs(Schema):
    estate_id = fields.UUID(required=True, metadata={"description": "Whose commitments"})


class EstateNameSchema(Schema):
    id = fields.UUID()
    name = fields.String()


class ServiceLevelSchema(Schema):
    kind = fields.String(metadata={"example": "repair"})
    complaint_class = fields.String(allow_none=True)
    priority = fields.String()
    acknowledge_minutes = fields.Integer(allow_none=True, metadata={"description": "Taken on (受理) within"})
    arrive_minutes = fields.Integer(allow_none=True, metadata={"description": "Someone on site within"})
    resolve_minutes = fields.Integer(allow_none=True, metadata={"description": "Resolved within"})
    business_hours = fields.Boolean(metadata={"description": "Counted in the estate's business hours (else 24x7)"})


class PublishedServiceSchema(Schema):
    code = fields.String()
    kind = fields.String(metadata={"description": "paid (特约服务) or free (便民服务)"})
    category = fields.String(allow_none=True)
    name_zh = fields.String()
    name_en = fields.String()
    description = fields.String()
    unit = fields.String(metadata={"example": "次"})
    price = ExactDecimal(metadata={"description": "yuan per unit"})
    ceiling = ExactDecimal(allow_none=True, metadata={"description": "the government's standard, where one is set"})


class CommitmentsSchema(Schema):
    estate = fields.Nested(EstateNameSchema)
    service_levels = fields.List(fields.Nested(ServiceLevelSchema))
    services = fields.List(fields.Nested(PublishedServiceSchema), metadata={
        "description": "The estate's active catalogue with prices (never the company's cost)"})


class PlaceSchema(Schema):
    id = fields.UUID(metadata={"description": "The unit"})
    number = fields.String()
    building_name = fields.String(allow_none=True)
    estate_id = fields.UUID()
    estate_name = fields.String()


class PlacesSchema(Schema):
    units = fields.List(fields.Nested(PlaceSchema))
