"""The schemas of the staff API: a member as joined, changed, listed and shown."""

from marshmallow import Schema, fields, validate

from owners.domain.staff import SKILLS, StaffRole
from owners.fields import MobileNumber
from servicekit.exact import JsonBoolean
from servicekit.paging import PageArgs

_ROLE = validate.OneOf([r.value for r in StaffRole])
_SKILL = validate.OneOf(sorted(SKILLS))
_NAME = validate.Length(min=1, max=100)


class StaffSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True, metadata={"description": "The estate whose service centre employs them"})
    name = fields.String(required=True, validate=_NAME, metadata={"example": "李师傅"})
    role = fields.String(required=True, validate=_ROLE, metadata={"description": "first_responsible is 第一负责人"})
    skills = fields.List(fields.String(validate=_SKILL), load_default=list, metadata={"example": ["plumbing", "locks"]})
    mobile = MobileNumber(load_default=None, allow_none=True, validate=validate.Length(max=20),
                          metadata={"description": "Work mobile; shown masked"})
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))
    active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class StaffPatchSchema(Schema):
    name = fields.String(validate=_NAME)
    role = fields.String(validate=_ROLE)
    skills = fields.List(fields.String(validate=_SKILL))
    mobile = MobileNumber(allow_none=True, validate=validate.Length(max=20))
    email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    active = JsonBoolean(metadata={
        "description": "false takes them off the roster; release their territories first"})


class StaffListArgs(PageArgs):
    estate_id = fields.UUID()
    role = fields.String(validate=_ROLE)
    skill = fields.String(validate=_SKILL)
    active = fields.Boolean()
