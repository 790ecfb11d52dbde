"""The schemas of the occupancy API: a move-in, a move-out, and an occupancy as shown."""

from datetime import date, datetime

from marshmallow import Schema, fields, validate

from owners.domain.people import OccupantRole
from owners.domain.visitors import LOCAL_TIME
from owners.fields import CalendarDate
from servicekit.paging import PageArgs

_ROLE = validate.OneOf([r.value for r in OccupantRole])


def _today() -> date:
    return datetime.now(LOCAL_TIME).date()


class MoveInFieldsSchema(Schema):
    """How a person moves into a unit, given when registering the person."""

    unit_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=_ROLE, metadata={"description": "owner, tenant, family or other"})
    moved_in_on = CalendarDate(load_default=_today, metadata={"description": "Defaults to today (UTC+8)"})


class MoveInSchema(Schema):
    """A person of the unit's estate moves in."""

    person_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=_ROLE, metadata={"description": "owner, tenant, family or other"})
    moved_in_on = CalendarDate(load_default=_today, metadata={"description": "Defaults to today (UTC+8)"})


class OccupancySchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    unit_id = fields.UUID()
    person_id = fields.UUID()
    role = fields.String()
    moved_in_on = fields.Date()
    moved_out_on = fields.Date(allow_none=True, metadata={"description": "Empty while the person still lives there"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OccupantSchema(OccupancySchema):
    """An occupancy of a unit, with the occupant's name."""

    person_name = fields.String()


class MoveOutSchema(Schema):
    moved_out_on = CalendarDate(load_default=_today, metadata={"description": "Defaults to today (UTC+8)"})


class OccupantListArgs(PageArgs):
    status = fields.String(load_default="all", validate=validate.OneOf(["current", "past", "all"]))
