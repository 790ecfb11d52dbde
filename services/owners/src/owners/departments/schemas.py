"""The schemas of the departments API: a department (or template), its change, its members, the list."""

from marshmallow import Schema, fields, validate

from servicekit.exact import JsonBoolean
from servicekit.paging import PageArgs

_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,39}$", error="lower-case letters, digits and _, 2 to 40 long")
_NAME = validate.Length(min=1, max=100)


class DepartmentSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "The estate; null: the operator's template (operator admins only), no supervisor or members"})
    code = fields.String(required=True, validate=_CODE, metadata={
        "example": "engineering", "description": "customer_service, engineering, security, cleaning, finance, ..."})
    name = fields.String(required=True, validate=_NAME, metadata={"example": "工程部"})
    supervisor_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "The supervisor (主管): a member of staff working for the estate; null while vacant"})
    supervisor_name = fields.String(dump_only=True, allow_none=True)
    member_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500), metadata={
        "description": "Staff in the department (each may be in others too)"})
    active = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class DepartmentPatchSchema(Schema):
    name = fields.String(validate=_NAME)
    supervisor_id = fields.UUID(allow_none=True, metadata={"description": "null leaves the post vacant"})
    active = JsonBoolean(metadata={"description": "false closes the department: tickets route no work to it"})


class MembersSchema(Schema):
    member_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(max=500), metadata={
        "description": "Every member of the department, replacing the list"})


class DepartmentListArgs(PageArgs):
    estate_id = fields.UUID()
    code = fields.String(validate=_CODE)
    staff_id = fields.UUID(metadata={"description": "The departments this member of staff belongs to or supervises"})
    templates = fields.Boolean(metadata={"description": "true: the operator's templates only; false: none"})
