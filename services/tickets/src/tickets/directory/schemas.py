"""Request and response schemas of the directory's API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from tenancy.permissions import REVEAL_PERSONAL_DATA

from servicekit.paging import PageArgs

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


class CompanyUnitSchema(Schema):
    unit_id = fields.UUID()
    number = fields.String(metadata={"example": "A-1201"})
    building_name = fields.String(allow_none=True)


class CompanyContactSchema(Schema):
    position = fields.Integer(metadata={"description": "1: called first"})
    person_id = fields.UUID()
    title = fields.String(metadata={"example": "行政经理"})
    name = fields.String(allow_none=True, metadata={"description": "null while the person is not in the copy yet"})
    mobile = fields.String(allow_none=True, metadata={"description": "Masked (138****5678)"})


class CompanySchema(Schema):
    """A company occupying units (OWN-11, an office tenant) with its contacts in the order the desk calls them."""

    id = fields.UUID()
    estate_id = fields.UUID()
    name = fields.String(metadata={"example": "深圳示例科技有限公司"})
    units = fields.List(fields.Nested(CompanyUnitSchema))
    contacts = fields.List(fields.Nested(CompanyContactSchema))


class CompanyListArgs(PageArgs):
    estate_id = fields.UUID()
    q = fields.String(validate=validate.Length(min=1, max=200),
                      metadata={"description": "The start of the company's name, e.g. 深圳示例"})


class UnitPeopleSchema(Schema):
    unit_id = fields.UUID()
    people = fields.List(fields.Nested(OccupantSchema))
    companies = fields.List(fields.Nested(CompanySchema), metadata={
        "description": "The companies occupying the unit (an office tenant), contacts in order; usually none"})


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
