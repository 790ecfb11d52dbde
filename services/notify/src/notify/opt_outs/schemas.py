"""The answer shape of an opt-out."""

from __future__ import annotations

from marshmallow import Schema, fields


class OptOutSchema(Schema):
    person_id = fields.UUID()
    purpose = fields.String()
    estate_id = fields.UUID()
    created_at = fields.DateTime()
