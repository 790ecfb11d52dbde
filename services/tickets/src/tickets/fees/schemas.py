"""Request and response schemas of a ticket's fee."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.exact import ExactDecimal
from tickets.catalogue.schemas import CODE

CONSENTS = ("given", "refused")
CONSENT_HOW = ("phone", "in_person", "app", "signed")
METHODS = ("cash", "wechat", "alipay", "card", "transfer", "account")
_YUAN = {"maximum": "1000000"}


class FeeLineSchema(Schema):
    id = fields.UUID()
    item_id = fields.UUID()
    code = fields.String()
    category = fields.String(allow_none=True)
    name_zh = fields.String()
    name_en = fields.String()
    quantity = ExactDecimal(maximum="10000")
    unit_price = ExactDecimal(**_YUAN)
    amount = ExactDecimal(**_YUAN)
    added_by = fields.String()
    added_at = fields.DateTime()


class FeePaymentSchema(Schema):
    id = fields.UUID()
    amount = ExactDecimal(**_YUAN)
    reference = fields.String()
    method = fields.String()
    paid_at = fields.DateTime()
    recorded_by = fields.String()
    recorded_at = fields.DateTime()


class FeeSchema(Schema):
    ticket_id = fields.UUID()
    estate_id = fields.UUID()
    total = ExactDecimal(**_YUAN, metadata={"description": "The sum of the lines"})
    consent = fields.String(metadata={"description": "pending, given or refused: the owner's word on the total"})
    consent_how = fields.String(allow_none=True)
    consent_note = fields.String()
    consent_by = fields.String(allow_none=True)
    consent_at = fields.DateTime(allow_none=True)
    paid = ExactDecimal(**_YUAN)
    outstanding = ExactDecimal(**_YUAN)
    payment_state = fields.String(metadata={"description": "unpaid, partly_paid or paid"})
    paid_at = fields.DateTime(allow_none=True, metadata={"description": "When it was paid in full"})
    version = fields.Integer(metadata={"description": "0 before any line"})
    lines = fields.List(fields.Nested(FeeLineSchema))
    payments = fields.List(fields.Nested(FeePaymentSchema))


class NewFeeLineSchema(Schema):
    code = fields.String(required=True, validate=CODE, metadata={
        "description": "A catalogue item's code: the estate's own, else the operator's"})
    quantity = ExactDecimal(load_default="1", maximum="10000", exclusive_minimum=True)


class FeeConsentSchema(Schema):
    consent = fields.String(required=True, validate=validate.OneOf(CONSENTS))
    how = fields.String(required=True, validate=validate.OneOf(CONSENT_HOW))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class NewFeePaymentSchema(Schema):
    """A payment made elsewhere (the billing system), posted once per reference."""

    amount = ExactDecimal(required=True, exclusive_minimum=True, **_YUAN)
    reference = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={
        "description": "Billing's own id of the payment: the same reference again records nothing new"})
    method = fields.String(required=True, validate=validate.OneOf(METHODS))
    paid_at = fields.AwareDateTime(load_default=None, default_timezone=None, metadata={
        "description": "When it was paid, with a time zone (default: now)"})
