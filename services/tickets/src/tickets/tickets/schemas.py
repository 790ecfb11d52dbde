"""Request and response schemas of the tickets API: quick entry, the list, the stage report and the
bodies of the procedure's steps."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.exact import JsonBoolean, PhoneNumber
from servicekit.paging import PageArgs
from tickets.directory.schemas import CompanySchema
from tickets.domain.classification import CHANNELS, COMPLAINT_CLASSES, PRIORITIES, QUALITY_ASPECTS
from tickets.domain.stages import KINDS, REOPEN_TO, Stage


def _one_of(values: object) -> validate.OneOf:
    return validate.OneOf([str(v) for v in values])  # type: ignore[attr-defined]


_TEXT = validate.Length(max=2000)
_REASON = validate.Length(min=1, max=500)


class NewTicketSchema(Schema):
    """Quick entry (快速录入): a unit or a common area, a person of the estate, what it is about."""

    estate_id = fields.UUID(required=True)
    unit_id = fields.UUID(load_default=None, metadata={"description": "The unit; or give common_area"})
    common_area = fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                                metadata={"description": "A lift, a gate, a car park (OWN-10) instead of a unit"})
    building_id = fields.UUID(load_default=None, metadata={"description": "For a common area in one building"})
    department_id = fields.UUID(load_default=None, metadata={
        "description": "The responsible department (OWN-9): dispatch chooses among its members; its supervisor told"})
    equipment_id = fields.UUID(load_default=None, metadata={
        "description": "A registered common area or item of equipment (OWN-10), instead of a unit; common_area "
                       "stays for what is not registered"})
    person_id = fields.UUID(load_default=None, metadata={"description": "Who called, from the copy of owners"})
    contact_name = fields.String(load_default=None, validate=validate.Length(max=100))
    contact_phone = PhoneNumber(load_default=None, metadata={
        "description": "Digits, optionally after +; full-width digits are written as ASCII"})
    kind = fields.String(required=True, validate=_one_of(KINDS))
    channel = fields.String(load_default="desk", validate=_one_of(CHANNELS))
    category = fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                             metadata={"description": "A category code of the kind (required for repairs)"})
    complaint_class = fields.String(load_default=None, validate=_one_of(COMPLAINT_CLASSES))
    quality_aspect = fields.String(load_default=None, validate=_one_of(QUALITY_ASPECTS),
                                   metadata={"description": "Management-service complaints only"})
    priority = fields.String(load_default=None, validate=_one_of(PRIORITIES),
                             metadata={"description": "Default: urgent for emergencies, else normal"})
    major = JsonBoolean(load_default=False, metadata={"description": "A major complaint (重大投诉)"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))


class RunningTargetSchema(Schema):
    target = fields.String(metadata={"description": "acknowledge, arrive, resolve or promise"})
    state = fields.String(metadata={"description": "running or paused"})
    due_at = fields.DateTime(allow_none=True)
    warn_at = fields.DateTime(allow_none=True, metadata={"description": "When it turns to warned"})


class SlaSummarySchema(Schema):
    state = fields.String(metadata={"enum": ["breached", "warned", "on_time", "paused", "none"], "description": (
        "The worst of its running or paused targets: breached (one is overdue), warned (one is near), "
        "on_time, paused (waiting on the owner), none (no target left)")})
    next_target = fields.String(allow_none=True, metadata={"description": "The running target due first"})
    next_due_at = fields.DateTime(allow_none=True)
    targets = fields.List(fields.Nested(RunningTargetSchema), metadata={
        "description": "Each running or paused target with its deadline, due first: a queue's live clocks"})


class TicketSchema(Schema):
    id = fields.UUID()
    number = fields.String()
    estate_id = fields.UUID()
    building_id = fields.UUID(allow_none=True)
    unit_id = fields.UUID(allow_none=True)
    common_area = fields.String(allow_none=True)
    department_id = fields.UUID(allow_none=True, metadata={"description": "The responsible department, if any"})
    equipment_id = fields.UUID(allow_none=True, metadata={"description": "The registered item it concerns, if any"})
    person_id = fields.UUID(allow_none=True)
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True, metadata={"description": "Masked unless the caller has pii:reveal"})
    kind = fields.String()
    channel = fields.String()
    category = fields.String(allow_none=True)
    complaint_class = fields.String(allow_none=True)
    quality_aspect = fields.String(allow_none=True)
    priority = fields.String()
    major = fields.Boolean()
    skill = fields.String(allow_none=True)
    title = fields.String()
    description = fields.String()
    stage = fields.String()
    stage_name = fields.Dict(keys=fields.String(), values=fields.String())
    allowed_actions = fields.List(fields.String())
    assignee_id = fields.UUID(allow_none=True)
    escalation_level = fields.Integer()
    waiting_on_owner = fields.Boolean()
    promised_by = fields.DateTime(allow_none=True)
    promise_kept = fields.Boolean(allow_none=True)
    merged_into_id = fields.UUID(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    evaluation_score = fields.Integer(allow_none=True)
    evaluation_comment = fields.String(allow_none=True)
    evaluation_channel = fields.String(allow_none=True, metadata={"description": "desk, survey or owner"})
    reopen_count = fields.Integer()
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    dispatched_at = fields.DateTime(allow_none=True)
    arrived_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    sla = fields.Nested(SlaSummarySchema, metadata={"description": "Its service levels at a glance (lists only)"})
    unit_number = fields.String(allow_none=True, metadata={"description": "Its unit's number, 1-101 (lists only)"})


class DispatchReasonSchema(Schema):
    skill = fields.String(allow_none=True, metadata={"description": "The skill the ticket calls for, if any"})
    skill_from = fields.String(allow_none=True, metadata={
        "description": "Where the skill came from: ticket, category, estate or operator (dispatch skills), default"})
    coverage = fields.String(allow_none=True, metadata={
        "description": "The member's ground: building, estate, department (a member of the ticket's department), "
                       "or null (employed here, no territory covering it)"})
    has_skill = fields.Boolean(allow_none=True)
    load = fields.Integer(allow_none=True, metadata={"description": "Their open tickets when chosen"})
    role = fields.String(allow_none=True)
    department = fields.String(allow_none=True, metadata={
        "description": "The department (OWN-9) dispatch chose among, by name; null: the estate's staff"})
    queued = fields.Boolean(metadata={
        "description": "true: the ticket waits in the department's queue, nobody has it yet (a member takes it)"})
    text_en = fields.String()
    text_zh = fields.String()


class DispatchChoiceSchema(Schema):
    assignee_id = fields.UUID(allow_none=True, metadata={"description": "null: in the department's queue"})
    automatic = fields.Boolean(metadata={"description": "false: named by the desk"})
    reason = fields.Nested(DispatchReasonSchema)


class DispatchedTicketSchema(TicketSchema):
    dispatch = fields.Nested(DispatchChoiceSchema, metadata={
        "description": "Whom the ticket went to and why (also on the timeline step)"})


class DuplicateSchema(Schema):
    id = fields.UUID()
    number = fields.String()
    stage = fields.String()
    title = fields.String()
    created_at = fields.DateTime()


class OpenedTicketSchema(TicketSchema):
    possible_duplicates = fields.List(fields.Nested(DuplicateSchema), metadata={
        "description": "Open tickets of the same unit, kind and category from the last 24 hours"})


class TicketListArgs(PageArgs):
    estate_id = fields.UUID()
    stage = fields.List(fields.String(validate=_one_of(Stage)), metadata={
        "description": "Repeat for any of several stages (stage=received&stage=acknowledged)"})
    building_id = fields.UUID(metadata={"description": "One building's tickets (its units and common areas)"})
    kind = fields.String(validate=_one_of(KINDS))
    complaint_class = fields.String(validate=_one_of(COMPLAINT_CLASSES))
    priority = fields.String(validate=_one_of(PRIORITIES))
    assignee_id = fields.UUID()
    unit_id = fields.UUID()
    department_id = fields.UUID(metadata={"description": "A department's tickets (with unassigned: its queue)"})
    equipment_id = fields.UUID(metadata={"description": "The tickets of one registered common area or item"})
    unassigned = fields.Boolean(metadata={"description": "true: nobody is assigned yet; false: somebody is"})
    person_id = fields.UUID(metadata={
        "description": "A person's tickets: those they reported and those of the units they live in"})
    status = fields.String(load_default="all", validate=validate.OneOf(["open", "closed", "all"]))
    order = fields.String(load_default="newest", validate=validate.OneOf(["newest", "due"]), metadata={
        "description": "newest: latest first; due: the running service-level target due first (overdue at "
                       "the top), tickets with none running last, then latest first"})


class StepSchema(Schema):
    id = fields.UUID()
    at = fields.DateTime()
    action = fields.String()
    stage_from = fields.String(allow_none=True)
    stage_to = fields.String(allow_none=True)
    actor = fields.String()
    actor_role = fields.String()
    note = fields.String()
    details = fields.Dict()


class TargetSchema(Schema):
    target = fields.String(metadata={"description": "acknowledge, arrive, resolve or promise"})
    state = fields.String(metadata={"description": "running, paused, met, missed or dropped"})
    due_at = fields.DateTime(allow_none=True)
    warn_at = fields.DateTime(allow_none=True, metadata={"description": "When the warning comes (80 % of the target)"})
    seconds_left = fields.Integer(allow_none=True, metadata={"description": "Negative once overdue"})
    business_hours = fields.Boolean(metadata={
        "description": "true: seconds_left counts the estate's business hours only, not the clock"})
    warned = fields.Boolean()
    breached = fields.Boolean()
    warned_at = fields.DateTime(allow_none=True)
    breached_at = fields.DateTime(allow_none=True)
    met_at = fields.DateTime(allow_none=True)


class EvaluationSchema(Schema):
    score = fields.Integer()
    comment = fields.String()
    channel = fields.String(metadata={"description": "desk, or survey: the owner answered surveys' question (SRV-5)"})


class PromiseSchema(Schema):
    promised_by = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    kept = fields.Boolean(allow_none=True)
    slipped = fields.Boolean(metadata={"description": "Resolved after the promised date, or still open past it"})


class ReportSchema(Schema):
    """The stage report (阶段报告, TKT-7)."""

    ticket = fields.Nested(TicketSchema)
    stage = fields.String()
    stage_name = fields.Dict(keys=fields.String(), values=fields.String())
    allowed_actions = fields.List(fields.String())
    waiting_on_owner = fields.Boolean()
    targets = fields.List(fields.Nested(TargetSchema))
    timeline = fields.List(fields.Nested(StepSchema))
    companies = fields.List(fields.Nested(CompanySchema), metadata={
        "description": "The companies occupying the ticket's unit (an office tenant), contacts in order; usually none"})
    evaluation = fields.Nested(EvaluationSchema, allow_none=True)
    promise = fields.Nested(PromiseSchema, allow_none=True)


# --- the bodies of the steps of the procedure ---------------------------------------------------

class NoteSchema(Schema):
    note = fields.String(load_default="", validate=_TEXT)


class DispatchSchema(NoteSchema):
    staff_id = fields.UUID(load_default=None, metadata={"description": "By hand; empty: dispatch chooses"})
    department_id = fields.UUID(load_default=None, metadata={
        "description": "Route the ticket to this department (OWN-9): alone, to its queue (nobody assigned, a "
                       "member takes it: POST tickets/{id}/take); with choose_member, to its best member at once"})
    choose_member = JsonBoolean(load_default=False, metadata={
        "description": "With department_id: assign the department's best member (territory, skill, load) now "
                       "instead of queueing it; 409 when none can take it"})


class TakeSchema(NoteSchema):
    staff_id = fields.UUID(load_default=None, metadata={
        "description": "The member of the ticket's department who takes it; empty: the caller (a technician)"})


class ReassignSchema(Schema):
    reason = fields.String(required=True, validate=_REASON)
    staff_id = fields.UUID(load_default=None, metadata={"description": "By hand; empty: dispatch chooses"})


class ExplainSchema(Schema):
    explanation = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    promised_by = fields.AwareDateTime(required=True, default_timezone=None,
                                       metadata={"description": "The promised date (承诺时间), with a time zone"})


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=_REASON)


class ResolveSchema(Schema):
    resolution = fields.String(load_default="", validate=_TEXT)


class InformOwnerSchema(NoteSchema):
    how = fields.String(required=True, validate=validate.OneOf(["phone", "message", "visit", "app", "in_person"]))


class EvaluateSchema(Schema):
    score = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class ReopenSchema(ReasonSchema):
    to = fields.String(load_default=None, validate=_one_of(REOPEN_TO),
                       metadata={"description": "acknowledged (default) or dispatched (to the same handler)"})


class MergeSchema(Schema):
    into_ticket_id = fields.UUID(required=True)
