"""The schemas of the visitors API: a visitor as registered and shown, a check-out, the list's filters."""

from datetime import UTC

from marshmallow import Schema, fields, validate

from owners.domain.visitors import IdType
from owners.fields import CalendarDate, MobileNumber, Moment
from servicekit.paging import PageArgs

_NOW = {"description": "Defaults to now"}


class VisitorSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(dump_only=True)
    host_unit_id = fields.UUID(required=True, metadata={"description": "The unit being visited"})
    visitor_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    visitor_mobile = MobileNumber(load_default=None, allow_none=True, validate=validate.Length(max=20))
    id_type = fields.String(required=True, validate=validate.OneOf([t.value for t in IdType]))
    id_number = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "Checked, then only its masked form is stored (110101********1234)"})
    id_number_masked = fields.String(dump_only=True)
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"example": "探亲"})
    time_in = Moment(default_timezone=UTC, load_default=None, metadata=_NOW)
    time_out = fields.AwareDateTime(dump_only=True, allow_none=True)
    host_confirmed = fields.Boolean(dump_only=True, metadata={
        "description": "The desk confirmed with the host by phone"})
    registered_by = fields.String(dump_only=True)


class CheckOutSchema(Schema):
    time_out = Moment(default_timezone=UTC, load_default=None, metadata=_NOW)


class VisitorListArgs(PageArgs):
    estate_id = fields.UUID(required=True)
    date = CalendarDate(metadata={"description": "Visitors who arrived that day (UTC+8)"})
    inside = fields.Boolean(metadata={"description": "true: still inside; false: left"})
