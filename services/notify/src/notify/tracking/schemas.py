"""The request and answer shapes of delivery tracking."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from notify.domain.channels import CHANNELS
from notify.domain.messages import STATES
from notify.messages.schemas import MessageWithHistorySchema
from notify.tracking.exports import LANGUAGES
from notify.tracking.outcomes import OUTCOME_FILTERS, OUTCOMES
from notify.tracking.use_cases import RESEND_CHANNELS
from servicekit.paging import PageArgs


class RecipientFilters(Schema):
    outcome = fields.String(validate=validate.OneOf(OUTCOME_FILTERS), metadata={
        "description": "reached, pending, unreached (every message failed), excluded, or not_reached "
                       "(pending or unreached)"})
    state = fields.String(validate=validate.OneOf(STATES), metadata={"description": "Has a message in this state"})
    channel = fields.String(validate=validate.OneOf(CHANNELS), metadata={
        "description": "Has a message over this channel (with state: a message in that state over it)"})
    building_id = fields.UUID()
    unit_id = fields.UUID()
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "Part of the name or of the unit label"})


class RecipientListArgs(PageArgs, RecipientFilters):
    pass


class ExportArgs(RecipientFilters):
    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "xlsx")))
    lang = fields.String(validate=validate.OneOf(LANGUAGES), metadata={
        "description": "zh-CN or en headings; without it, Accept-Language decides (zh-CN by default)"})


class RecipientSchema(Schema):
    id = fields.UUID()
    notice_id = fields.UUID()
    person_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    name = fields.String()
    unit_label = fields.String(allow_none=True)
    language = fields.String()
    mobile = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    excluded = fields.String(allow_none=True, metadata={"description": "opted_out or no_contact: never sent to"})
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    reached_over = fields.String(allow_none=True)
    reached_at = fields.DateTime(allow_none=True)
    messages = fields.List(fields.Nested(MessageWithHistorySchema))


class ByPersonSchema(Schema):
    notice_id = fields.UUID()
    person_id = fields.UUID()
    in_audience = fields.Boolean()
    reached = fields.Boolean()
    outcome = fields.String(allow_none=True)
    reached_over = fields.String(allow_none=True)
    reached_at = fields.DateTime(allow_none=True)
    recipients = fields.List(fields.Nested(RecipientSchema), metadata={
        "description": "The person's households in the audience, each with every attempt and its history"})


class ReachArgs(Schema):
    estate_id = fields.UUID(required=True)
    since = fields.AwareDateTime(metadata={"description": "Notices started since (default: 30 days ago)"})


class ReachSchema(Schema):
    estate_id = fields.UUID()
    since = fields.DateTime()
    notices = fields.Integer(metadata={"description": "Notices started since then"})
    recipients = fields.Integer(metadata={"description": "Their recipients but the excluded (no contact, opted out)"})
    reached = fields.Integer()
    excluded = fields.Integer()
    reach_rate = fields.Float(allow_none=True, metadata={"description": "reached / recipients; null without any"})


class PersonsNoticeSchema(Schema):
    notice_id = fields.UUID()
    estate_id = fields.UUID()
    title = fields.String()
    purpose = fields.String()
    status = fields.String()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    recipient_id = fields.UUID(metadata={"description": "Their household in the audience"})
    unit_id = fields.UUID(allow_none=True)
    unit_label = fields.String(allow_none=True)
    outcome = fields.String(metadata={"enum": ["reached", "pending", "unreached", "excluded"]})
    reached_over = fields.String(allow_none=True)
    reached_at = fields.DateTime(allow_none=True)


class TotalsSchema(Schema):
    notice_id = fields.UUID()
    status = fields.String()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    messages = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Messages by state (queued, sending, sent, delivered, failed, read, cancelled, no_receipt)"
                       " and total"})
    by_channel = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()))
    recipients = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "total, reached (an SMS or e-mail delivered, an in-app message read), not_reached "
                       "(pending + unreached), pending (a message on its way, or an in-app message unread), "
                       "unreached, excluded, opted_out, no_contact"})
    reached_by_channel = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Reached recipients by the channel that reached them first (sms, email, in_app: read); "
                       "they add up to recipients.reached"})
    unread_in_app = fields.Integer(metadata={
        "description": "Of the pending recipients, those with nothing on its way but an in-app message unread: "
                       "listed among the not reached when the notice completes, and resent to"})


class ResendSchema(Schema):
    channel = fields.String(required=True, validate=validate.OneOf(RESEND_CHANNELS))
    recipients = fields.List(fields.UUID(), validate=validate.Length(min=1, max=100_000), metadata={
        "description": "Only these recipients (default: every not-reached one)"})


class ResentSchema(Schema):
    notice_id = fields.UUID()
    channel = fields.String()
    queued = fields.Integer()
    messages = fields.List(fields.Dict())
    skipped = fields.List(fields.Dict(), metadata={"description": "Recipients without an address for the channel"})
