"""The schemas of the companies API: a company with its units and contacts, its change, the list."""

from marshmallow import Schema, fields, validate

from owners.domain.companies import MAX_CONTACTS
from servicekit.paging import PageArgs

_NAME = validate.Length(min=1, max=200)
_CREDIT_CODE = validate.Regexp(r"^([0-9A-HJ-NPQRTUWXY]{18})?$", error="18 characters of the unified credit code")


class CompanyContactSchema(Schema):
    person_id = fields.UUID(required=True, metadata={"description": "A person of the company's estate"})
    title = fields.String(load_default="", validate=validate.Length(max=50), metadata={"example": "行政经理"})
    position = fields.Integer(dump_only=True, metadata={"description": "1: called first"})
    name = fields.String(dump_only=True)


class OccupiedUnitSchema(Schema):
    unit_id = fields.UUID()
    number = fields.String()
    building_code = fields.String()
    building_name = fields.String()


class CompanySchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=_NAME, metadata={"example": "深圳示例科技有限公司"})
    credit_code = fields.String(load_default="", validate=_CREDIT_CODE, metadata={
        "description": "统一社会信用代码 (18 characters), or empty"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    unit_ids = fields.List(fields.UUID(), load_default=list, load_only=True, validate=validate.Length(max=200),
                           metadata={"description": "The units it occupies"})
    contacts = fields.List(fields.Nested(CompanyContactSchema), load_default=list,
                           validate=validate.Length(max=MAX_CONTACTS), metadata={
                               "description": "Its staff the desk calls, in order"})
    units = fields.List(fields.Nested(OccupiedUnitSchema), dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CompanyPatchSchema(Schema):
    name = fields.String(validate=_NAME)
    credit_code = fields.String(validate=_CREDIT_CODE)
    note = fields.String(validate=validate.Length(max=2000))
    unit_ids = fields.List(fields.UUID(), validate=validate.Length(max=200), metadata={
        "description": "Every unit it occupies, replacing the list"})
    contacts = fields.List(fields.Nested(CompanyContactSchema), validate=validate.Length(max=MAX_CONTACTS), metadata={
        "description": "Every contact in order, replacing the list"})


class CompanyListArgs(PageArgs):
    estate_id = fields.UUID()
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "The beginning of the company's name"})
    unit_id = fields.UUID(metadata={"description": "The companies occupying this unit"})
    person_id = fields.UUID(metadata={"description": "The companies this person is a contact of"})
