"""A ticket's fee (收费, TKT-11): the desk adds catalogue items with quantities to a repair or
service ticket, records the owner's consent, and billing posts the payments it took."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import DESK, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.idempotency import IdempotencyHeaders, KeyedRequest
from servicekit.web import ProblemSchema, current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.fees import schemas, use_cases, views
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("fees", __name__, scope=SCOPE, url_prefix="/api/v1/tickets",
                      description="A ticket's fee: catalogue items, the owner's consent, payments (收费)")

REFUSED = {"schema": ProblemSchema, "description": (
    "Not a repair or service ticket, closed, being paid already, or (payments) not agreed by the owner")}


@blp.route("/<uuid:ticket_id>/fee", methods=["GET"])
@blp.response(200, schemas.FeeSchema)
@blp.allow(STAFF)
def get_fee(ticket_id: UUID) -> Any:
    """The ticket's fee: lines, total, the owner's consent, payments"""
    return read(views.fee, ticket_id)


@blp.route("/<uuid:ticket_id>/fee/lines", methods=["POST"])
@blp.arguments(schemas.NewFeeLineSchema)
@blp.response(200, schemas.FeeSchema)
@blp.alt_response(409, **REFUSED)
@blp.allow(DESK)
def add_line(data: dict[str, Any], ticket_id: UUID) -> Any:
    """Add a catalogue item with its quantity, at today's price (the owner's consent is asked again)"""
    return use_cases.add_line(unit_of_work(), ticket_id, Actor.of(current_principal()), **data)


@blp.route("/<uuid:ticket_id>/fee/lines/<uuid:line_id>", methods=["DELETE"])
@blp.response(200, schemas.FeeSchema)
@blp.alt_response(409, **REFUSED)
@blp.allow(DESK)
def remove_line(ticket_id: UUID, line_id: UUID) -> Any:
    """Take a line off the fee"""
    return use_cases.remove_line(unit_of_work(), ticket_id, line_id, Actor.of(current_principal()))


@blp.route("/<uuid:ticket_id>/fee/consent", methods=["POST"])
@blp.arguments(schemas.FeeConsentSchema)
@blp.response(200, schemas.FeeSchema)
@blp.alt_response(409, **REFUSED)
@blp.allow(DESK)
def record_consent(data: dict[str, Any], ticket_id: UUID) -> Any:
    """The owner agreed to the total, or refused it (业主确认)"""
    return use_cases.record_consent(unit_of_work(), ticket_id, Actor.of(current_principal()), **data)


@blp.route("/<uuid:ticket_id>/fee/payments", methods=["POST"])
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.arguments(schemas.NewFeePaymentSchema)
@blp.response(201, schemas.FeeSchema)
@blp.alt_response(200, schema=schemas.FeeSchema, description="This payment was recorded before (its key or reference)")
@blp.alt_response(409, **REFUSED)
@blp.allow(DESK)
def record_payment(headers: dict[str, Any], data: dict[str, Any], ticket_id: UUID) -> Any:
    """A payment billing took (paid elsewhere); once per Idempotency-Key and per reference"""
    principal = current_principal()
    key = KeyedRequest.of(principal, f"POST /tickets/{ticket_id}/fee/payments", headers["idempotency_key"], data)
    fee, created = use_cases.record_payment(unit_of_work(), key, ticket_id, Actor.of(principal), **data)
    return fee, 201 if created else 200
