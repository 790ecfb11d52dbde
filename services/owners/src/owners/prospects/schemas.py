"""The schemas of the prospects API: a lead, its change, an activity, a conversion, the pipeline."""

from marshmallow import Schema, fields, validate

from owners.domain.prospects import CALLER_KINDS, ActivityKind, Interest, Stage
from owners.fields import CalendarDate, MobileNumber, Moment
from servicekit.paging import PageArgs

_STAGE = validate.OneOf([s.value for s in Stage])
_INTEREST = validate.OneOf([i.value for i in Interest])


class ActivitySchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ActivityKind]), metadata={
        "description": "call, visit, viewing, message, note, or stage (a stage change, written by the service)"})
    at = Moment(load_default=None, metadata={"description": "When (default: now)"})
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    staff_id = fields.UUID(load_default=None, allow_none=True)
    follow_up_on = CalendarDate(load_default=None, allow_none=True, load_only=True, metadata={
        "description": "The next follow-up date it sets"})
    recorded_by = fields.String(dump_only=True)


class NewActivitySchema(ActivitySchema):
    kind = fields.String(required=True, validate=validate.OneOf(CALLER_KINDS), metadata={
        "description": "call, visit, viewing, message or note"})


class ProspectSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "陈先生"})
    interest = fields.String(required=True, validate=_INTEREST, metadata={
        "description": "buyer, tenant, or company (an office)"})
    company_name = fields.String(load_default="", validate=validate.Length(max=200))
    mobile = MobileNumber(load_default=None, allow_none=True, validate=validate.Length(max=20), metadata={
        "description": "Shown masked"})
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))
    unit_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "The unit of interest"})
    source = fields.String(load_default="", validate=validate.Length(max=50), metadata={"example": "walk-in"})
    staff_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "Who follows it up"})
    follow_up_on = CalendarDate(load_default=None, allow_none=True)
    stage = fields.String(dump_only=True)
    lost_reason = fields.String(dump_only=True, allow_none=True)
    person_id = fields.UUID(dump_only=True, allow_none=True, metadata={
        "description": "Whom it became (won); a company prospect: the company's contact"})
    company_id = fields.UUID(dump_only=True, allow_none=True, metadata={
        "description": "The company a company prospect became (won)"})
    converted_at = fields.DateTime(dump_only=True, allow_none=True)
    activities = fields.List(fields.Nested(ActivitySchema), dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ProspectPatchSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    company_name = fields.String(validate=validate.Length(max=200))
    mobile = MobileNumber(allow_none=True, validate=validate.Length(max=20))
    email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    unit_id = fields.UUID(allow_none=True)
    staff_id = fields.UUID(allow_none=True)
    follow_up_on = CalendarDate(allow_none=True)
    stage = fields.String(validate=_STAGE, metadata={
        "description": "new, contacted, viewing, negotiating, lost (with reason); won: by conversion"})
    reason = fields.String(validate=validate.Length(min=1, max=500), metadata={"description": "Why it was lost"})


class ConversionSchema(Schema):
    unit_id = fields.UUID(required=True)
    role = fields.String(load_default=None, validate=validate.OneOf(["owner", "tenant"]), metadata={
        "description": "A buyer's or tenant's: owner or tenant (required); a company prospect's: none"})
    moved_in_on = CalendarDate(load_default=None, metadata={
        "description": "A buyer's or tenant's move-in day (required); a company prospect's: none"})
    title = fields.String(load_default="", validate=validate.Length(max=50), metadata={
        "description": "A company prospect's: the person's title at the company (行政经理)"})


class PipelineArgs(PageArgs):
    estate_id = fields.UUID()
    stage = fields.String(validate=_STAGE)
    staff_id = fields.UUID()
    interest = fields.String(validate=_INTEREST)
    person_id = fields.UUID(metadata={"description": "The prospect a person was (their history before)"})
    company_id = fields.UUID(metadata={"description": "The prospect a company was (its history before)"})
    due_by = CalendarDate(metadata={"description": "Follow-ups due on or before this day"})
