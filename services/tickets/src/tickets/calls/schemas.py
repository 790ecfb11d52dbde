"""Request and response schemas of the phone's API: desk lines, calls, callers, dialling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicekit.paging import PageArgs
from tickets.domain.calls import DIRECTIONS, OUTCOMES

# Instants a call can have: nothing before the year 2000 or after 2100 is a call's.
INSTANTS = validate.Range(min=datetime(2000, 1, 1, tzinfo=UTC), max=datetime(2100, 1, 1, tzinfo=UTC))
NUMBER = validate.Length(min=1, max=32)
MAX_SPAN = timedelta(days=366)


def instant(**kwargs) -> fields.AwareDateTime:  # noqa: ANN003  (marshmallow's field arguments)
    """An instant with its time zone (a time without one is refused), within :data:`INSTANTS`."""
    return fields.AwareDateTime(default_timezone=None, validate=INSTANTS, **kwargs)


def link(description: str) -> fields.UUID:
    return fields.UUID(allow_none=True, load_default=None, metadata={"description": description})


class LineListArgs(PageArgs):
    estate_id = fields.UUID()
    staff_id = fields.UUID()
    active = fields.Boolean()


class LineSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    number = fields.String(required=True, validate=NUMBER, metadata={"description": "The line as dialled"})
    extension = fields.String(load_default="", validate=validate.Length(max=16),
                              metadata={"description": "Empty: the line itself"})
    label = fields.String(load_default="", validate=validate.Length(max=100),
                          metadata={"description": "e.g. 客服中心 24 小时热线"})
    staff_id = link("Who answers it; null: whoever is on duty")
    active = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)


class LineChangeSchema(Schema):
    staff_id = fields.UUID(allow_none=True, metadata={"description": "null: whoever is on duty"})
    label = fields.String(validate=validate.Length(max=100))
    active = fields.Boolean()


class NewCallSchema(Schema):
    estate_id = fields.UUID(required=True)
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    number = fields.String(required=True, validate=NUMBER, metadata={
        "description": "The other party's whole number (the caller's, or the one dialled)"})
    desk_line_id = link("The desk line it came in on or went out from")
    staff_id = link("Who took or made it; empty: whoever answers the line")
    person_id = link("Empty: the estate's one person with this mobile, if exactly one")
    unit_id = link("Empty: the person's one current unit, if exactly one")
    ticket_id = link("The ticket it was about")
    call_centre_ref = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=100),
                                    metadata={"description": "The call-centre system's own id of the call: "
                                                             "unique in an estate"})
    ring_started_at = instant(required=True)
    answered_at = instant(allow_none=True, load_default=None, metadata={"description": "Answered calls only"})
    ended_at = instant(allow_none=True, load_default=None)
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    notes = fields.String(load_default="", validate=validate.Length(max=10000),
                          metadata={"description": "The agent's notes, written during the call"})
    recording_url = fields.Url(allow_none=True, load_default=None, validate=validate.Length(max=1000))


class CallSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    direction = fields.String()
    number = fields.String(metadata={"description": "Masked (138****5678) unless the caller may see it whole"})
    desk_line_id = fields.UUID(allow_none=True)
    staff_id = fields.UUID(allow_none=True)
    person_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    ticket_id = fields.UUID(allow_none=True)
    source = fields.String(metadata={"description": "desk or call_centre"})
    call_centre_ref = fields.String(allow_none=True)
    ring_started_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    outcome = fields.String()
    notes = fields.String()
    recording_url = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    version = fields.Integer()


class CallChangeSchema(Schema):
    notes = fields.String(validate=validate.Length(max=10000))
    recording_url = fields.Url(allow_none=True, validate=validate.Length(max=1000))
    person_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    ticket_id = fields.UUID(allow_none=True)
    ended_at = instant(allow_none=True)


class CallListArgs(PageArgs):
    estate_id = fields.UUID()
    desk_line_id = fields.UUID()
    staff_id = fields.UUID()
    person_id = fields.UUID()
    ticket_id = fields.UUID()
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    since = instant(metadata={"description": "Ring started at or after"})
    until = instant(metadata={"description": "Ring started before"})


class CallerArgs(Schema):
    number = fields.String(required=True, validate=validate.Length(min=4, max=32), metadata={
        "description": "The whole number, or its last four digits (尾号)"})
    estate_id = fields.UUID()


class HomeSchema(Schema):
    unit_id = fields.UUID()
    number = fields.String()
    building_name = fields.String(allow_none=True)
    role = fields.String()


class CallerSchema(Schema):
    person_id = fields.UUID()
    estate_id = fields.UUID()
    name = fields.String()
    mobile = fields.String(allow_none=True, metadata={"description": "Masked (138****5678)"})
    units = fields.List(fields.Nested(HomeSchema))


class CallersSchema(Schema):
    people = fields.List(fields.Nested(CallerSchema))


class DialSchema(Schema):
    estate_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    desk_line_id = link("The desk line to call from")
    staff_id = link("Who will speak")
    ticket_id = link("The ticket the call is about")


class DialedSchema(Schema):
    dial_id = fields.UUID()
    estate_id = fields.UUID()
    person_id = fields.UUID()
    desk_line_id = fields.UUID(allow_none=True)
    staff_id = fields.UUID(allow_none=True)
    ticket_id = fields.UUID(allow_none=True)
    number = fields.String(metadata={"description": "Masked (138****5678)"})
    requested_by = fields.String()
    requested_at = fields.DateTime()


class StatisticsArgs(Schema):
    since = instant(required=True, metadata={"description": "Calls that started ringing at or after"})
    until = instant(required=True, metadata={"description": "... and before (at most 366 days after since)"})
    estate_id = fields.UUID()
    by = fields.String(load_default="estate", validate=validate.OneOf(("estate", "desk_line", "staff")))
    ring_seconds = fields.Float(load_default=None, validate=validate.Range(min=1, max=60), metadata={
        "description": "How long one ring lasts: within three rings is under three of them. Without it, the "
                       "estate's ring length (PUT calls/phone-settings/{estate_id}) when estate_id names one, "
                       "else 6 s"})
    format = fields.String(validate=validate.OneOf(("json", "csv", "xlsx")), metadata={
        "description": "json, csv or xlsx; without it, the Accept header decides (JSON by default)"})

    @validates_schema
    def _period(self, data: dict, **_: object) -> None:
        if "since" in data and "until" in data and not data["since"] < data["until"] <= data["since"] + MAX_SPAN:
            raise ValidationError("until comes after since, by at most 366 days", "until")


class StatisticsRowSchema(Schema):
    key = fields.UUID(allow_none=True, metadata={"description": "The estate, desk line or staff member; null: none"})
    name = fields.String()
    calls = fields.Integer()
    inbound = fields.Integer()
    outbound = fields.Integer()
    answered = fields.Integer(metadata={"description": "Inbound calls answered"})
    within_three_rings = fields.Integer(metadata={"description": "Answered in under three ring lengths"})
    three_rings_rate = fields.Float(allow_none=True, metadata={"description": "Within three rings / inbound"})
    answer_p50_seconds = fields.Float(allow_none=True)
    answer_p90_seconds = fields.Float(allow_none=True)
    missed = fields.Integer()
    abandoned = fields.Integer()
    voicemail = fields.Integer()
    missed_rate = fields.Float(allow_none=True)
    abandoned_rate = fields.Float(allow_none=True)
    callbacks_due = fields.Integer(metadata={"description": "Callbacks due in the period up to now, not cancelled"})
    callbacks_kept = fields.Integer(metadata={"description": "Of those, done by their due time"})
    callbacks_kept_rate = fields.Float(allow_none=True)


class StatisticsSchema(Schema):
    since = fields.DateTime()
    until = fields.DateTime()
    by = fields.String()
    ring_seconds = fields.Float()
    rows = fields.List(fields.Nested(StatisticsRowSchema))


class PhoneSettingsSchema(Schema):
    estate_id = fields.UUID(dump_only=True)
    ring_seconds = fields.Float(required=True, validate=validate.Range(min=1, max=60), metadata={
        "description": "How long one ring lasts in this estate, in seconds (default 6): the hotline is answered "
                       "within three rings when answered in under three of them"})
    version = fields.Integer(dump_only=True, metadata={"description": "0: the estate set none (the default)"})
