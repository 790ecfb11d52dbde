"""Read-only lookups in tickets' copy of owners' data, for quick entry and dispatch by hand:
units by number, who lives in a unit, staff with their current load. The copy is owners' (built
from its events); nothing here writes it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.privacy import mask_phone
from tenancy.roles import STAFF

from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal, refuse
from servicekit.webapp import read
from tickets import directory
from tickets.api.access import blueprint

blp = blueprint("directory", __name__, url_prefix="/api/v1",
                description="Units, residents and staff from owners' data, for entry and dispatch")

_NAME = validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$")  # a role or skill name as owners spells them


class UnitListArgs(PageArgs):
    estate_id = fields.UUID()
    building_id = fields.UUID()
    number = fields.String(validate=validate.Length(min=1, max=32),
                           metadata={"description": "The start of the unit number, e.g. 2-12"})


class DirectoryUnitSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    building_id = fields.UUID()
    building_code = fields.String(allow_none=True)
    building_name = fields.String(allow_none=True)
    number = fields.String(metadata={"example": "2-1202"})
    floor = fields.Integer(allow_none=True)


class UnitPeopleArgs(Schema):
    include_past = fields.Boolean(load_default=False, metadata={"description": "Also those who moved out"})
    reveal = fields.Boolean(load_default=False, metadata={
        "description": f"Show full mobile numbers; needs the {REVEAL_PERSONAL_DATA} permission"})


class OccupantSchema(Schema):
    occupancy_id = fields.UUID()
    person_id = fields.UUID()
    name = fields.String(metadata={"example": "张伟"})
    language = fields.String()
    mobile = fields.String(allow_none=True, metadata={"description": "Masked (138****5678) unless revealed"})
    role = fields.String(metadata={"description": "owner | tenant | family | other"})
    moved_in_on = fields.Date(allow_none=True)
    moved_out_on = fields.Date(allow_none=True)


class UnitPeopleSchema(Schema):
    unit_id = fields.UUID()
    people = fields.List(fields.Nested(OccupantSchema))


class StaffListArgs(PageArgs):
    estate_id = fields.UUID()
    role = fields.String(validate=_NAME)
    skill = fields.String(validate=_NAME)
    active = fields.Boolean(load_default=True)


class GroundSchema(Schema):
    estate_id = fields.UUID()
    building_id = fields.UUID(allow_none=True, metadata={"description": "null: the whole estate"})


class DirectoryStaffSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID(metadata={"description": "The estate whose service centre employs them"})
    name = fields.String(metadata={"example": "李师傅"})
    role = fields.String()
    skills = fields.List(fields.String())
    active = fields.Boolean()
    load = fields.Integer(metadata={"description": "Open tickets assigned (not yet resolved, merged or cancelled)"})
    territories = fields.List(fields.Nested(GroundSchema))


@blp.route("/units")
class Units(MethodView):
    @blp.arguments(UnitListArgs, location="query")
    @blp.response(200, page_schema(DirectoryUnitSchema))
    @blp.allow(STAFF, rows=("building_id",), estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Find units of the caller's estates by estate, building and the start of their number"""
        return read(directory.units_page, current_principal(), args)


@blp.route("/units/<uuid:unit_id>/people")
class UnitPeople(MethodView):
    @blp.arguments(UnitPeopleArgs, location="query")
    @blp.response(200, UnitPeopleSchema)
    @blp.allow(STAFF)
    def get(self, args: dict[str, Any], unit_id: UUID) -> dict[str, Any]:
        """Who lives in a unit: its occupants, owners first, mobiles masked"""
        reveal = args["reveal"]
        if reveal and not current_principal().has(REVEAL_PERSONAL_DATA):
            refuse(403, f"showing full phone numbers needs the {REVEAL_PERSONAL_DATA} permission",
                   f"查看完整手机号需要 {REVEAL_PERSONAL_DATA} 权限")
        found = read(directory.unit_people, unit_id, include_past=args["include_past"])
        shown = found if reveal else [{**p, "mobile": mask_phone(p["mobile"])} for p in found]
        return {"unit_id": unit_id, "people": shown}


@blp.route("/staff")
class Staff(MethodView):
    @blp.arguments(StaffListArgs, location="query")
    @blp.response(200, page_schema(DirectoryStaffSchema))
    @blp.allow(STAFF, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Staff of the caller's estates by role and skill, each with their current load and ground"""
        return read(directory.staff_page, current_principal(), args)
