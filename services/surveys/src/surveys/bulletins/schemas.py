"""The bulletins API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class NewBulletinSchema(Schema):
    author = fields.String(required=True, validate=validate.Length(min=1, max=100),
                           metadata={"description": "the name printed under the bulletin"})
    summary = fields.String(required=True, validate=validate.Length(min=1, max=4000),
                            metadata={"description": "the author's words: what the wave found, what will be done"})


class BulletinSchema(Schema):
    id = fields.UUID()
    wave_id = fields.UUID()
    estate_id = fields.UUID()
    author = fields.String()
    summary = fields.String()
    published_by = fields.String()
    published_at = fields.DateTime()


class BulletinArgs(Schema):
    format = fields.String(load_default="html", validate=validate.OneOf(("html", "xlsx")),
                           metadata={"description": "html (a printable page) or xlsx"})

