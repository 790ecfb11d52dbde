"""Request and response schemas of the categories' API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.exact import JsonBoolean
from tickets.domain.classification import CATEGORISED_KINDS

_CODE = validate.Regexp(r"^[a-z0-9_\-]{1,40}$", error="lower-case letters, digits, - and _; at most 40")


class CategorySchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, for every estate"})
    kind = fields.String(required=True, validate=validate.OneOf(CATEGORISED_KINDS))
    code = fields.String(required=True, validate=_CODE)
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=100))
    skill = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    active = fields.Boolean(dump_only=True)


class CategoryChangeSchema(Schema):
    name_zh = fields.String(validate=validate.Length(min=1, max=100))
    name_en = fields.String(validate=validate.Length(min=1, max=100))
    skill = fields.String(allow_none=True, validate=validate.Length(min=1, max=40))
    active = JsonBoolean()


class CategoryListArgs(Schema):
    estate_id = fields.UUID()
    kind = fields.String(validate=validate.OneOf(CATEGORISED_KINDS))
    include_inactive = fields.Boolean(load_default=False)
