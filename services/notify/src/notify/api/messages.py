"""One message now (``POST /api/v1/messages``), for integration clients and the desk — e.g. the
gateway's one-time login code — and any message's state and history (``GET /api/v1/messages/{id}``).
See :mod:`notify.rules.one_off` for who, which channels, which estate and the idempotency key."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from marshmallow import Schema, fields, validate
from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.roles import DESK

from notify.api.access import blueprint
from notify.api.message_schemas import MessageSchema, MessageWithHistorySchema
from notify.api.rules import Strict
from notify.domain.channels import EMAIL, IN_APP, SMS
from notify.domain.purposes import PURPOSES, SERVICE
from notify.rules.one_off import message_with_history, send_message
from notify.tracking.masking import masked_message
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("messages", __name__, url_prefix="/api/v1/messages",
                description="One message now, and a message's state and history (消息)")

MOBILE = validate.Regexp(r"^\+?[0-9]{6,20}$", error="digits, optionally after +; 6 to 20")


class ToSchema(Schema):
    person_id = fields.UUID(metadata={"description": "A person of notify's copy of owners"})
    mobile = fields.String(validate=MOBILE)
    email = fields.Email(validate=validate.Length(max=254))


class NewMessageSchema(Schema):
    to = fields.Nested(ToSchema, required=True)
    estate_id = fields.UUID(load_default=None,
                            metadata={"description": "For an address: the estate it is sent for (default: the "
                                                     "caller's only estate, or none for an every-estate caller)"})
    purpose = fields.String(load_default=SERVICE, validate=validate.OneOf(PURPOSES))
    urgent = Strict(load_default=False, metadata={"description": "Ignores quiet hours (one-time codes)"})
    channels = fields.List(fields.String(validate=validate.OneOf((SMS, EMAIL, IN_APP))),
                           validate=validate.Length(min=1, max=3),
                           metadata={"description": "One message per channel; none: the first the recipient takes"})
    template = fields.String(validate=validate.Length(min=1, max=60), metadata={"description": "A template code"})
    text = fields.String(validate=validate.Length(min=1, max=2000))
    subject = fields.String(validate=validate.Length(max=300))
    variables = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=60)),
                            values=fields.String(validate=validate.Length(max=500)), load_default=dict)
    language = fields.String(validate=validate.OneOf(("zh-CN", "en")),
                             metadata={"description": "For an address (a person's comes from the copy)"})


class IdempotencyHeaders(Schema):
    idempotency_key = fields.String(data_key="Idempotency-Key", load_default=None,
                                    validate=validate.Length(min=1, max=100), metadata={
        "description": "A retried call with the same key answers the messages the first call made (200)"})


class SentSchema(Schema):
    messages = fields.List(fields.Nested(MessageSchema))


@blp.route("", methods=["POST"])
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.arguments(NewMessageSchema())
@blp.response(202, SentSchema())
@blp.alt_response(200, schema=SentSchema, description="The messages an earlier call with this key made")
@blp.allow(DESK, estates=("estate_id",))
def send(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Send one message now: to a person or an address, from a template or a text"""
    made, new = send_message(unit_of_work(), current_principal(), data, now(),
                             idempotency_key=headers["idempotency_key"])
    return {"messages": [_shown(m) for m in made]}, 202 if new else 200


@blp.route("/<uuid:message_id>", methods=["GET"])
@blp.response(200, MessageWithHistorySchema())
@blp.allow(DESK)
def get_message(message_id: UUID) -> Any:
    """A message's state and its history"""
    return _shown(read(message_with_history, message_id))


def _shown(message: dict[str, Any]) -> dict[str, Any]:
    return message if current_principal().has(REVEAL_PERSONAL_DATA) else masked_message(message)
