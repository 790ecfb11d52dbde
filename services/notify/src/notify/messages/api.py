"""One message now (``POST /api/v1/messages``), for integration clients and the desk — e.g. the
gateway's one-time login code — and any message's state and history (``GET /api/v1/messages/{id}``).
See :mod:`notify.messages.use_cases` for who, which channels, which estate and the idempotency key."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK

from notify.access import blueprint
from notify.messages.schemas import MessageWithHistorySchema, NewMessageSchema, SentSchema
from notify.messages.use_cases import send_message
from notify.messages.views import message_with_history
from notify.tracking.masking import shown_messages
from servicekit.idempotency import IdempotencyHeaders, KeyedRequest
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work

blp = blueprint("messages", __name__, url_prefix="/api/v1/messages",
                description="One message now, and a message's state and history (消息)")


@blp.route("", methods=["POST"])
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.arguments(NewMessageSchema())
@blp.response(202, SentSchema())
@blp.alt_response(200, schema=SentSchema, description="The messages an earlier call with this key made")
@blp.doc(responses={"429": {
    "description": "Too many urgent messages to this recipient or from this caller just now (NOTIFY_URGENT_PER_*)",
    "headers": {"Retry-After": {"description": "Seconds until one would be let through",
                                "schema": {"type": "integer"}}},
    "content": {"application/problem+json": {"schema": {"type": "object"}}}}})
@blp.allow(DESK, estates=("estate_id",))
def send(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Send one message now: to a person or an address, from a template or a text"""
    principal = current_principal()
    keyed = KeyedRequest.of(principal, "POST /messages", headers["idempotency_key"], data)
    made, new = send_message(unit_of_work(), principal, data, current_settings(), now(), keyed=keyed)
    return {"messages": shown_messages(made)}, 202 if new else 200


@blp.route("/<uuid:message_id>", methods=["GET"])
@blp.response(200, MessageWithHistorySchema())
@blp.allow(DESK)
def get_message(message_id: UUID) -> Any:
    """A message's state and its history"""
    return shown_messages([read(message_with_history, message_id)])[0]
