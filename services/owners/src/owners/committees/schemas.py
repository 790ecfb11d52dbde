"""The schemas of the owners' committee API: the committee, its members, its log of contacts."""

from marshmallow import Schema, fields, validate

from owners.domain.committees import ContactKind, MemberRole
from owners.fields import CalendarDate, Moment
from servicekit.paging import PageArgs

_ROLE = validate.OneOf([r.value for r in MemberRole])
_KIND = validate.OneOf([k.value for k in ContactKind])


class MemberSchema(Schema):
    id = fields.UUID(dump_only=True)
    committee_id = fields.UUID(dump_only=True)
    person_id = fields.UUID(required=True, metadata={"description": "An owner of the estate (a current owner)"})
    name = fields.String(dump_only=True)
    role = fields.String(required=True, validate=_ROLE, metadata={
        "description": "chair 主任, vice_chair 副主任, secretary 秘书, member 委员"})
    starts_on = CalendarDate(required=True)
    ends_on = CalendarDate(load_default=None, allow_none=True, metadata={"description": "null: in office"})


class CommitteeSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={
        "example": "阳光花园第二届业主委员会"})
    term_starts_on = CalendarDate(required=True)
    term_ends_on = CalendarDate(load_default=None, allow_none=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    members = fields.List(fields.Nested(MemberSchema), dump_only=True, metadata={"description": "In office"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class CommitteePatchSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    term_starts_on = CalendarDate()
    term_ends_on = CalendarDate(allow_none=True)
    note = fields.String(validate=validate.Length(max=2000))


class EndTermSchema(Schema):
    ends_on = CalendarDate(required=True)


class CommitteeContactSchema(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(required=True, validate=_KIND, metadata={
        "description": "meeting 会议, call 电话, visit 走访, letter 函件, other"})
    at = Moment(required=True, metadata={"description": "When it took place"})
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "example": "讨论电梯更新改造方案"})
    summary = fields.String(load_default="", validate=validate.Length(max=10000))
    staff_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "Who of the management office took part"})
    member_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=50), metadata={
        "description": "The committee members who took part (their member ids)"})
    recorded_by = fields.String(dump_only=True)
    recorded_at = fields.DateTime(dump_only=True)


class CommitteeListArgs(PageArgs):
    estate_id = fields.UUID()


class CommitteeContactListArgs(PageArgs):
    kind = fields.String(validate=_KIND)
