"""The request and answer shapes of a person's inbox."""

from __future__ import annotations

from marshmallow import Schema, fields

from servicekit.paging import PageArgs, page_schema


class InboxArgs(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "Only the unread ones"})


class InboxMessageSchema(Schema):
    id = fields.UUID()
    notice_id = fields.UUID(allow_none=True)
    person_id = fields.UUID()
    language = fields.String()
    subject = fields.String(allow_none=True)
    body = fields.String()
    state = fields.String(metadata={"description": "delivered (unread) or read"})
    urgent = fields.Boolean()
    delivered_at = fields.DateTime(allow_none=True)
    read_at = fields.DateTime(allow_none=True)


class InboxPageSchema(page_schema(InboxMessageSchema)):  # type: ignore[misc]
    unread = fields.Integer(metadata={"description": "How many of the person's messages are unread"})


class MarkedSchema(Schema):
    marked = fields.Integer()
