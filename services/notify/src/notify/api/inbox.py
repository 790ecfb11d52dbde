"""The in-app inbox of a person (NTF-6): their messages newest first with the unread count, one
message, and the read receipts (open one, mark all read).

The desk and managers read the inboxes of their estates' people; an owner (a resident) reads only
their own: the person id in the path must be their token's ``sub``. Read receipts are recorded by
the owner opening a message, or by an integration client (the residents' app) on their behalf,
never by the desk looking at an inbox: a receipt must prove the person read it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import abort
from marshmallow import Schema, fields
from tenancy.roles import DESK, INTEGRATION_CLIENT, OWNER

from notify.api.access import blueprint
from notify.tracking import inbox
from servicekit.paging import PageArgs, page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("inbox", __name__, url_prefix="/api/v1/people",
                description="A person's in-app inbox and its read receipts (站内信)")
READERS = DESK | {OWNER}
RECEIPT_TAKERS = frozenset({OWNER, INTEGRATION_CLIENT})


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


def _own_only(person_id: UUID) -> None:
    """An owner's token names the person it is (``sub``): another person's inbox is refused."""
    principal = current_principal()
    if principal.role == OWNER and principal.subject != str(person_id):
        abort(403, message="an owner reads their own inbox only (业主只能查看自己的站内信)")


@blp.route("/<uuid:person_id>/inbox", methods=["GET"])
@blp.arguments(InboxArgs(), location="query")
@blp.response(200, InboxPageSchema)
@blp.allow(READERS)
def person_inbox(args: dict[str, Any], person_id: UUID) -> Any:
    """The person's in-app messages, newest first, and how many are unread"""
    _own_only(person_id)
    return read(inbox.inbox, person_id, args)


@blp.route("/<uuid:person_id>/inbox/<uuid:message_id>", methods=["GET"])
@blp.response(200, InboxMessageSchema)
@blp.allow(READERS)
def inbox_message(person_id: UUID, message_id: UUID) -> Any:
    """One message of the inbox (reading it here records no receipt)"""
    _own_only(person_id)
    return read(inbox.message, person_id, message_id)


@blp.route("/<uuid:person_id>/inbox/<uuid:message_id>/read", methods=["POST"])
@blp.response(200, InboxMessageSchema)
@blp.allow(RECEIPT_TAKERS)
def open_inbox_message(person_id: UUID, message_id: UUID) -> Any:
    """The person opened the message: read, with read_at and a history row (the read receipt), once"""
    _own_only(person_id)
    return inbox.open_message(unit_of_work(), person_id, message_id, now())


@blp.route("/<uuid:person_id>/inbox/read-all", methods=["POST"])
@blp.response(200, MarkedSchema)
@blp.allow(RECEIPT_TAKERS)
def read_all(person_id: UUID) -> Any:
    """Mark every unread message of the inbox read (a receipt for each)"""
    _own_only(person_id)
    return inbox.mark_all_read(unit_of_work(), person_id, now())
