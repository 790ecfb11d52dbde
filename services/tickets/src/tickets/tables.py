"""The tickets database: every table, the outbox and the inbox included, in one MetaData.

The groups of tables:

* **the copy** of owners' data (estates, buildings, units, people, occupancies, staff,
  territories, departments, common areas and equipment), built by the consumer from owners' events
  and never written by the API. Each copy row keeps the owners entity's ``version``: a stale event
  never overwrites a newer copy (servicekit.copies: each copy is declared once, and its handlers
  come from the declaration). A released territory or a moved-out occupancy stays as a row
  (``released`` / ``moved_out_on``) so that its last version is remembered.
* **the tickets** themselves: the ticket, the idempotency keys of the calls that opened them, its
  timeline (every step, who, when), attachments, configurable categories.
* **service levels**: calendars, SLA policies, the deadlines the timer sweeps (rows, never
  in-memory timers), escalation rules and the escalations made, monthly reports.
* **the phone** (TKT-9): desk lines, the call log, callbacks (their own deadline rows, swept by
  the same timer).

Every table that holds an estate's data carries ``estate_id``, so each query is scoped to the
caller's estates with one indexed predicate.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    literal_column,
    text,
)

from servicekit import owners_copies
from servicekit.audit import reveal_audit_table
from servicekit.copies import copied, entity_copy, preferred_contact
from servicekit.db import SearchTerms, UtcDateTime, service_metadata
from servicekit.idempotency import define_idempotency_keys
from servicekit.outbox import Outbox, define_inbox

metadata = service_metadata()

outbox = Outbox(metadata)
inbox = define_inbox(metadata)


def _version() -> Column:
    # A tickets entity's own version: 1 when created, +1 with every change, carried in its events.
    return Column("version", Integer, nullable=False, server_default=text("1"))


# --- the copy of owners' data (written only by the consumer: tickets.handlers) ------------------
# The core of each copy is servicekit.owners_copies' (the same for every consumer of owners); tickets
# adds the columns only it keeps. Fields tickets does not keep (an estate's address, a unit's area, a
# person's e-mail) are ignored.

estates = owners_copies.estates(metadata)
buildings = owners_copies.buildings(metadata)
units = owners_copies.units(metadata, copied("floor", Integer, nullable=True))
# The preferred mobile (else the first), kept to show the desk who called; masked in answers.
people = owners_copies.people(metadata, copied("mobile", String(32), nullable=True, field="contact_points",
                                               read=preferred_contact("mobile")))
occupancies = owners_copies.occupancies(metadata)


def _once_each(skills: list[str] | None) -> list[str]:
    return sorted(set(skills or ()))


# e.g. technician, supervisor, first_responsible (第一负责人), service_desk_agent, estate_manager,
# with their skills sorted, once each.
staff = owners_copies.staff(metadata, copied("skills", JSON, read=_once_each))
territories = owners_copies.territories(metadata)

def _staff_ids(members: list[str] | None) -> list[str]:
    return sorted({str(m) for m in members or ()})


# An estate's departments (OWN-9) with their supervisor and members: dispatch chooses among a
# department's members for a ticket that names it, and a complaint naming one is reported to its
# supervisor. A closed department keeps its row (active false).
departments = entity_copy(
    "departments", metadata,
    copied("estate_id", Uuid, index=True),
    copied("code", String(40)),
    copied("name", String(100)),
    copied("supervisor_id", Uuid, nullable=True),
    copied("members", JSON, read=_staff_ids),  # owners' staff ids, as strings, sorted
    copied("active", Boolean, default=True),
    key="department_id", events=("owners.department.added.v1", "owners.department.updated.v1"),
)

# The register of common areas and equipment (OWN-10): a ticket names an item instead of a unit, so
# the repeated failures of one lift are counted. A decommissioned item keeps its row (active false).
equipment = entity_copy(
    "equipment", metadata,
    copied("estate_id", Uuid, index=True),
    copied("building_id", Uuid, nullable=True),  # null: the estate's own (a gate, a car park)
    copied("kind", String(20)),
    copied("identifier", String(60)),
    copied("name", String(100)),
    copied("location", String(200), default="", server_default=""),
    copied("active", Boolean, default=True),
    key="equipment_id", events=("owners.equipment.added.v1", "owners.equipment.updated.v1"),
)

# Companies occupying units (OWN-11, an office building's tenants) with their contacts in order:
# a ticket for one of its units shows the company and whom to call; the desk finds it by name.
companies = owners_copies.companies(metadata)

# --- tickets ------------------------------------------------------------------------------------

# Repair and inquiry categories, configurable per operator (estate_id null) or per estate.
categories = Table(
    "categories", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),
    Column("kind", String(20), nullable=False),  # repair | inquiry | complaint
    Column("code", String(40), nullable=False),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("skill", String(40)),  # what dispatch matches staff by, e.g. plumbing
    Column("active", Boolean, nullable=False, server_default=text("true")),
    UniqueConstraint("estate_id", "kind", "code"),
)

# Which skill dispatch looks for in a ticket of a kind (and, for complaints, a class) that names no
# skill and no category with one (issue 15: complaints to customer service): per operator (estate
# null) or per estate; a null skill means none (the territory decides). Without rows,
# tickets.domain.dispatch.DEFAULT_SKILLS applies.
dispatch_skills = Table(
    "dispatch_skills", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: every estate
    Column("kind", String(20), nullable=False),
    Column("complaint_class", String(20)),  # null: any class (complaints), or not a complaint
    Column("skill", String(40)),
    _version(),
    UniqueConstraint("estate_id", "kind", "complaint_class"),
)

# An open ticket's stage (not archived, merged or cancelled: tickets.domain.stages.CLOSED), in literals as
# the partial index below and the queries that use it spell it: a prepared statement's generic plan,
# which knows no bound values, still matches the index.
OPEN_STAGE = "stage NOT IN ('archived', 'merged', 'cancelled')"

tickets = Table(
    "tickets", metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),  # what the desk reads out, e.g. T2612010042
    Column("estate_id", Uuid, nullable=False),  # ix_tickets_estate_created leads with it
    Column("building_id", Uuid, index=True),
    Column("unit_id", Uuid),  # ix_tickets_duplicates leads with it
    Column("common_area", String(200)),  # OWN-10: a lift, a gate, a car park instead of a unit
    Column("equipment_id", Uuid, index=True),  # OWN-10: a registered common area or item of equipment
    Column("department_id", Uuid, index=True),  # OWN-9: the responsible department; its queue when unassigned
    Column("person_id", Uuid, index=True),
    Column("contact_name", String(100)),
    Column("contact_phone", String(32)),
    Column("kind", String(20), nullable=False),  # inquiry | repair | complaint | suggestion | praise
    Column("channel", String(20), nullable=False),  # desk | phone | app | system
    Column("category", String(40)),  # a categories.code of its kind
    Column("complaint_class", String(20)),  # facilities | management | fees | emergency
    Column("quality_aspect", String(20)),  # management complaints: safety ... timeliness
    Column("priority", String(10), nullable=False),  # low | normal | high | urgent
    Column("major", Boolean, nullable=False, server_default=text("false")),  # 重大投诉: first responsible
    Column("skill", String(40)),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("stage", String(20), nullable=False, index=True),
    Column("assignee_id", Uuid, index=True),
    Column("escalation_level", Integer, nullable=False, server_default=text("0")),
    Column("waiting_on_owner", Boolean, nullable=False, server_default=text("false")),
    Column("promised_by", UtcDateTime()),  # the promised date given with an explanation
    Column("promise_kept", Boolean),  # set when resolved after a promise: resolved_at <= promised_by
    Column("merged_into_id", Uuid),
    Column("cancel_reason", String(500)),
    Column("evaluation_score", Integer),  # the owner's opinion, 1-5
    Column("evaluation_comment", String(1000)),
    Column("evaluation_channel", String(20)),  # desk (default), survey (SRV-5), owner (their token)
    Column("reopen_count", Integer, nullable=False, server_default=text("0")),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False, index=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    # When each milestone was first reached (reports and SLA compliance read these, not the timeline).
    Column("acknowledged_at", UtcDateTime()),
    Column("dispatched_at", UtcDateTime()),
    Column("arrived_at", UtcDateTime()),
    Column("resolved_at", UtcDateTime()),
    Column("closed_at", UtcDateTime()),  # archived, merged or cancelled
    _version(),
    CheckConstraint("evaluation_score IS NULL OR evaluation_score BETWEEN 1 AND 5", name="evaluation_score"),
    Index("ix_tickets_duplicates", "unit_id", "category", "created_at"),
    Index("ix_tickets_estate_created", "estate_id", "created_at"),
    # The monthly complaint report reads one estate's complaints of a month (and of the 90 days and
    # seven months before it), and the promised dates that fell due in the month.
    Index("ix_tickets_estate_kind_created", "estate_id", "kind", "created_at"),
    Index("ix_tickets_estate_promised", "estate_id", "promised_by", postgresql_where=text("promised_by IS NOT NULL")),
    # The estate dashboard counts an estate's open tickets by stage from this index alone.
    Index("ix_tickets_estate_open_stage", "estate_id", "stage", postgresql_where=text(OPEN_STAGE)),
)

# Another system's retried POST never makes two tickets: the keys it sent, per caller (servicekit.idempotency).
idempotency_keys = define_idempotency_keys(metadata)

# The timeline: every step on a ticket, who did it and when (TKT-3, TKT-7).
ticket_steps = Table(
    "ticket_steps", metadata,
    Column("id", Uuid, primary_key=True),
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("estate_id", Uuid, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("action", String(40), nullable=False),  # opened, acknowledged, dispatched, ..., sla_warned
    Column("stage_from", String(20)),
    Column("stage_to", String(20)),
    Column("actor", String(200), nullable=False),  # the token's subject, or "timer"
    Column("actor_role", String(40), nullable=False),
    Column("note", String(2000), nullable=False, server_default=""),
    Column("details", JSON, nullable=False),
)

attachments = Table(
    "attachments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("estate_id", Uuid, nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(300), nullable=False, unique=True),
    Column("uploaded_by", String(200), nullable=False),
    Column("uploaded_at", UtcDateTime(), nullable=False),
)

# --- service levels -----------------------------------------------------------------------------

# A business-hours calendar of an estate; an estate without one runs 24x7.
calendars = Table(
    "calendars", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, unique=True),
    Column("timezone", String(64), nullable=False, server_default="Asia/Shanghai"),
    # {"1": [["08:30", "12:00"], ["13:30", "18:00"]], ..., "7": []}: ISO weekday -> open intervals
    Column("week", JSON, nullable=False),
    _version(),
)

# Holidays and make-up working days (调休) of a calendar.
calendar_days = Table(
    "calendar_days", metadata,
    Column("calendar_id", Uuid, ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("kind", String(10), nullable=False),  # holiday | workday
    Column("name", String(100), nullable=False, server_default=""),
)

# Targets per estate (null: every estate), kind, class and priority (null: any); the most specific
# matching policy applies. Minutes of business time (or of the clock on a 24x7 estate).
sla_policies = Table(
    "sla_policies", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),
    Column("kind", String(20)),
    Column("complaint_class", String(20)),
    Column("priority", String(10)),
    Column("acknowledge_minutes", Integer),
    Column("arrive_minutes", Integer),  # the textbook's three minutes for complaints
    Column("resolve_minutes", Integer),
    Column("warn_percent", Integer, nullable=False, server_default=text("80")),  # warn at 80% elapsed
    Column("business_hours", Boolean, nullable=False, server_default=text("true")),  # false: 24x7
    _version(),
    UniqueConstraint("estate_id", "kind", "complaint_class", "priority"),
)

# One row per ticket and target: what the timer sweeps. A running deadline has ``due_at`` and
# ``warn_at``; a paused one (waiting on the owner) keeps the business seconds it had left.
deadlines = Table(
    "deadlines", metadata,
    Column("id", Uuid, primary_key=True),
    # uq_deadlines_ticket_id_target leads with ticket_id: no index of its own
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("target", String(20), nullable=False),  # acknowledge | arrive | resolve | promise
    Column("state", String(10), nullable=False),  # running | paused | met | missed | dropped
    Column("started_at", UtcDateTime(), nullable=False),
    Column("due_at", UtcDateTime()),
    Column("warn_at", UtcDateTime()),
    Column("remaining_seconds", Integer),  # while paused
    Column("business_hours", Boolean, nullable=False),
    Column("warned_at", UtcDateTime()),
    Column("breached_at", UtcDateTime()),
    Column("met_at", UtcDateTime()),
    UniqueConstraint("ticket_id", "target"),
    Index("ix_deadlines_warn", "warn_at", postgresql_where=text("state = 'running' AND warned_at IS NULL")),
    Index("ix_deadlines_due", "due_at", postgresql_where=text("state = 'running' AND breached_at IS NULL")),
    # The estate dashboard's warnings and breaches today and this month.
    Index("ix_deadlines_estate_warned", "estate_id", "warned_at", postgresql_where=text("warned_at IS NOT NULL")),
    Index("ix_deadlines_estate_breached", "estate_id", "breached_at",
          postgresql_where=text("breached_at IS NOT NULL")),
)

# Multi-level escalation: on a trigger, at a level, do an action.
escalation_rules = Table(
    "escalation_rules", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: every estate
    Column("trigger", String(20), nullable=False),  # complaint | major | sla_warning | sla_breach | promise_slipped
    Column("target", String(20)),  # which deadline (null: any)
    Column("level", Integer, nullable=False),
    # notify_assignee | notify_supervisor | notify_first_responsible | reassign | raise_priority
    Column("action", String(30), nullable=False),
    _version(),
    UniqueConstraint("estate_id", "trigger", "target", "level", "action"),
)

escalations = Table(
    "escalations", metadata,
    Column("id", Uuid, primary_key=True),
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("estate_id", Uuid, nullable=False),
    Column("level", Integer, nullable=False),
    Column("trigger", String(20), nullable=False),
    Column("action", String(30), nullable=False),
    Column("staff_id", Uuid),  # who was told, or the new assignee
    Column("at", UtcDateTime(), nullable=False),
    Column("reason", String(500), nullable=False, server_default=""),
)

# The monthly complaint statistics and analysis report, generated once per estate and month.
monthly_reports = Table(
    "monthly_reports", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM
    Column("generated_at", UtcDateTime(), nullable=False),
    Column("content", JSON, nullable=False),
    UniqueConstraint("estate_id", "period"),
)

# Every full number shown to a caller with pii:reveal, for the privacy audit: servicekit's
# append-only table, the same in every service.
pii_reveals = reveal_audit_table(metadata)

# --- the phone (TKT-9): desk lines, the call log, callbacks --------------------------------------

# A desk's telephone line (or an extension of one), in an estate, usually staffed by one person.
desk_lines = Table(
    "desk_lines", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("number", String(32), nullable=False),  # the line as dialled, digits only
    Column("extension", String(16), nullable=False, server_default=""),  # "": the line itself
    Column("label", String(100), nullable=False, server_default=""),  # e.g. 客服中心 24 小时热线
    Column("staff_id", Uuid, index=True),  # who answers it (null: whoever is on duty)
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _version(),
    UniqueConstraint("estate_id", "number", "extension"),
)

# The phone's settings of an estate (TKT-4, TKT-9): how long one ring lasts, for "answered within
# three rings" in its call statistics and monthly report; an estate without a row: 6 s.
phone_settings = Table(
    "phone_settings", metadata,
    Column("estate_id", Uuid, primary_key=True),
    Column("ring_seconds", Float, nullable=False),
    _version(),
)

# The call log: every inbound and outbound call, entered at the desk or pushed by the call-centre
# system, linked to the person (found by the number), the unit and the ticket it was about.
calls = Table(
    "calls", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    Column("direction", String(10), nullable=False),  # inbound | outbound
    Column("number", String(32), nullable=False),  # the other party's number, digits only; masked in answers
    Column("desk_line_id", Uuid, ForeignKey("desk_lines.id"), index=True),
    Column("staff_id", Uuid),  # who took or made it
    Column("person_id", Uuid, index=True),
    Column("unit_id", Uuid),
    Column("ticket_id", Uuid, ForeignKey("tickets.id"), index=True),
    Column("source", String(20), nullable=False),  # desk | call_centre
    Column("call_centre_ref", String(100)),  # the call-centre system's own id of the call
    Column("ring_started_at", UtcDateTime(), nullable=False),
    Column("answered_at", UtcDateTime()),
    Column("ended_at", UtcDateTime()),
    Column("outcome", String(12), nullable=False),  # answered | missed | abandoned | voicemail
    Column("answer_ms", Integer),  # answered_at - ring_started_at, in milliseconds (call statistics)
    Column("notes", Text, nullable=False, server_default=""),  # the agent's notes, written during the call
    Column("recording_url", String(1000)),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    _version(),
    UniqueConstraint("estate_id", "call_centre_ref"),
    # Call statistics read one estate's (or one line's, one person's) calls of a period.
    Index("ix_calls_estate_ring", "estate_id", "ring_started_at"),
    Index("ix_calls_staff_ring", "staff_id", "ring_started_at"),
)

# A callback promised to a caller (安排回电): due at a time, assigned to someone. Its own deadline
# row: the timer warns the assignee at ``warn_at`` and escalates at ``due_at`` if still open, each
# once (``warned_at``, ``missed_at``), as it sweeps the SLA deadlines.
callbacks = Table(
    "callbacks", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("call_id", Uuid, ForeignKey("calls.id"), unique=True),  # the missed call it came from, if any
    Column("number", String(32), nullable=False),
    Column("person_id", Uuid),
    Column("unit_id", Uuid),
    Column("ticket_id", Uuid, ForeignKey("tickets.id")),
    Column("assignee_id", Uuid, index=True),
    Column("reason", String(500), nullable=False, server_default=""),
    Column("state", String(10), nullable=False),  # open | done | cancelled
    Column("due_at", UtcDateTime(), nullable=False),
    Column("warn_at", UtcDateTime(), nullable=False),
    Column("warned_at", UtcDateTime()),
    Column("missed_at", UtcDateTime()),  # escalated: still open when due
    Column("done_at", UtcDateTime()),
    Column("done_call_id", Uuid, ForeignKey("calls.id")),  # the call that kept it
    Column("kept", Boolean),  # set when done: done_at <= due_at
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    _version(),
    Index("ix_callbacks_estate_due", "estate_id", "due_at"),
    Index("ix_callbacks_warn", "warn_at", postgresql_where=text("state = 'open' AND warned_at IS NULL")),
    Index("ix_callbacks_due", "due_at", postgresql_where=text("state = 'open' AND missed_at IS NULL")),
)

# --- the diary (TKT-8): appointments, meetings, activities, planned calls, tasks and memos ---------

# An entry of a staff member's (or a team's) diary; an appointment may be a ticket's visit to a
# unit, with the owner told the window.
diary_entries = Table(
    "diary_entries", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    Column("kind", String(12), nullable=False),  # appointment | meeting | activity | call | task | memo
    Column("title", String(200), nullable=False),
    Column("notes", Text, nullable=False, server_default=""),
    Column("location", String(200), nullable=False, server_default=""),
    Column("staff_id", Uuid),  # whose diary (null: the team's)
    Column("team", String(40)),  # a team (e.g. a role: technician, service_desk_agent) it is for
    Column("starts_at", UtcDateTime()),
    Column("ends_at", UtcDateTime()),
    Column("unit_id", Uuid),
    Column("person_id", Uuid),  # the owner visited or to be called
    Column("ticket_id", Uuid, ForeignKey("tickets.id")),
    Column("callback_id", Uuid, index=True),  # a callback's planned call (tickets.callbacks.in_diary)
    Column("state", String(10), nullable=False),  # planned | done | cancelled
    Column("conflicts", JSON, nullable=False),  # what it clashed with when booked (warned, not refused)
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    _version(),
    Index("ix_diary_staff_starts", "staff_id", "starts_at"),
    Index("ix_diary_estate_starts", "estate_id", "starts_at"),
)

# --- shifts at the front desk (TKT-13): handovers and the duty logbook ----------------------------

# A shift handover (交接班记录): written by the outgoing staff member with the open items (tickets
# waiting, callbacks due, anything abnormal), signed by the incoming one, who then owns them. Its own
# deadline row: unsigned at ``sign_by``, the timer escalates it once (``escalated_at``).
handovers = Table(
    "handovers", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("desk", String(100), nullable=False, server_default=""),  # e.g. 客服中心前台
    Column("outgoing_staff_id", Uuid, nullable=False),
    Column("incoming_staff_id", Uuid, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("items", JSON, nullable=False),  # [{kind: ticket|callback|note, id, title, ...}] as written
    Column("state", String(10), nullable=False),  # written | signed
    Column("written_at", UtcDateTime(), nullable=False),
    Column("sign_by", UtcDateTime(), nullable=False),
    Column("signed_at", UtcDateTime()),
    Column("escalated_at", UtcDateTime()),
    Column("moved", JSON),  # what signing moved to the incoming staff member, and what it could not
    _version(),
    Index("ix_handovers_sign_by", "sign_by", postgresql_where=text("state = 'written' AND escalated_at IS NULL")),
)

# The duty logbook (岗位记事本): anything abnormal in a shift, by whom and when.
logbook_entries = Table(
    "logbook_entries", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    Column("staff_id", Uuid, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("category", String(20), nullable=False),  # abnormal | security | facility | visitor | other
    Column("text", String(2000), nullable=False),
    Column("created_by", String(200), nullable=False),
    Index("ix_logbook_estate_at", "estate_id", "at"),
)

# The duty roster (排班表): who works when, per estate, one row per shift. The diary's "off shift"
# reads a person's roster when they have one in the estate, else the estate's business calendar.
duty_shifts = Table(
    "duty_shifts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    Column("staff_id", Uuid, nullable=False),
    Column("starts_at", UtcDateTime(), nullable=False),
    Column("ends_at", UtcDateTime(), nullable=False),
    Column("label", String(50), nullable=False, server_default=""),  # 早班, 中班, 夜班
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_duty_shifts_staff", "estate_id", "staff_id", "starts_at"),
)

# --- call scripts (TKT-9): what the desk says, per estate (null: the operator's) and kind/class ----

# One version of a script; a new version of the same estate, kind and class is a new row, the
# earlier ones kept. The desk gets the latest version of the most specific script that fits.
call_scripts = Table(
    "call_scripts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: every estate
    Column("kind", String(20)),  # null: any kind
    Column("complaint_class", String(20)),  # null: any class
    Column("version", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("opening", Text, nullable=False),  # 您好，XX物业客服中心，工号..., 请问有什么可以帮您?
    Column("questions", JSON, nullable=False),  # what to ask, in order
    Column("apology", Text, nullable=False, server_default=""),  # 表示歉意
    Column("thanks", Text, nullable=False, server_default=""),  # 表示感谢
    Column("replies", JSON, nullable=False),  # [{"problem": ..., "reply": ...}] for expected problems
    Column("closing", Text, nullable=False, server_default=""),
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index("ix_call_scripts_fit", "estate_id", "kind", "complaint_class", "version"),
)
# One number per version of a script: null estate, kind or class count as one value each.
NO_ESTATE = "00000000-0000-0000-0000-000000000000"
Index("uq_call_scripts_version", func.coalesce(call_scripts.c.estate_id, literal_column(f"'{NO_ESTATE}'")),
      func.coalesce(call_scripts.c.kind, literal_column("''")),
      func.coalesce(call_scripts.c.complaint_class, literal_column("''")), call_scripts.c.version, unique=True)

# --- the complaint's outcome (TKT-14) -----------------------------------------------------------

# What a complaint came to, one row per complaint once someone records it (tickets.outcomes): the
# sub-type within its class, the root cause, who was responsible, what was promised, whether it
# proved justified (set on review by a manager), and the media and legal flags.
complaint_outcomes = Table(
    "complaint_outcomes", metadata,
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("subtype", String(40)),  # tickets.domain.outcomes.SUBTYPES of the complaint's class
    Column("root_cause", String(40)),  # tickets.domain.outcomes.ROOT_CAUSES
    Column("root_cause_note", String(2000), nullable=False, server_default=""),
    # A department of the estate in the copy of owners' departments; the free text below only
    # for one the register does not have (null when the id is set).
    Column("responsible_department_id", Uuid),
    Column("responsible_department", String(100)),
    Column("commitment", String(2000), nullable=False, server_default=""),  # what was promised to the owner
    Column("justified", Boolean),  # null: not reviewed yet
    Column("review_note", String(2000), nullable=False, server_default=""),
    Column("reviewed_by", String(200)),
    Column("reviewed_at", UtcDateTime()),
    Column("media_involved", Boolean, nullable=False, server_default=text("false")),
    Column("legal_referral", Boolean, nullable=False, server_default=text("false")),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    _version(),
)

# --- the service catalogue, fees and commissions (TKT-11) ----------------------------------------


def _money(name: str, **kwargs: object) -> Column:
    return Column(name, Numeric(12, 2), **kwargs)  # yuan, to the fen


# Paid special services (特约服务), free convenience services (便民服务) and bundles (服务套餐), per
# operator (estate null) or per estate; an estate's item of the same code stands in for the operator's.
catalogue_items = Table(
    "catalogue_items", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: the operator's default, for every estate
    Column("code", String(40), nullable=False),
    Column("kind", String(10), nullable=False),  # paid | free
    Column("category", String(40)),  # a repair category's code, e.g. plumbing: what commission rules match
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("description", String(2000), nullable=False, server_default=""),
    Column("unit", String(20), nullable=False, server_default="次"),  # what a quantity counts: 次, 小时, 米
    _money("price", nullable=False),
    _money("cost", nullable=False),
    _money("ceiling"),  # the government's standard (政府规定的收费标准): the price never exceeds it
    Column("materials", JSON, nullable=False),  # [{"name", "quantity", "unit"}]: what one unit uses
    Column("contents", JSON, nullable=False),  # a bundle's items: [{"code", "quantity"}]; [] for a single service
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _version(),
    UniqueConstraint("estate_id", "code"),
)

# What a ticket's fee is made of: catalogue items with quantities, priced when added.
ticket_charges = Table(
    "ticket_charges", metadata,
    Column("id", Uuid, primary_key=True),
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("estate_id", Uuid, nullable=False),
    Column("item_id", Uuid, nullable=False),
    Column("code", String(40), nullable=False),
    Column("category", String(40)),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("quantity", Numeric(10, 2), nullable=False),
    _money("unit_price", nullable=False),
    _money("unit_cost", nullable=False),
    _money("amount", nullable=False),
    Column("added_by", String(200), nullable=False),
    Column("added_at", UtcDateTime(), nullable=False),
)

# A ticket's fee: its total, the owner's consent, and what billing says was paid.
ticket_fees = Table(
    "ticket_fees", metadata,
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    _money("total", nullable=False),
    Column("consent", String(10), nullable=False, server_default="pending"),  # pending | given | refused
    Column("consent_how", String(20)),  # phone | in_person | app | signed
    Column("consent_note", String(500), nullable=False, server_default=""),
    Column("consent_by", String(200)),
    Column("consent_at", UtcDateTime()),
    _money("paid", nullable=False, server_default=text("0")),
    Column("payment_state", String(12), nullable=False, server_default="unpaid"),  # unpaid | partly_paid | paid
    Column("paid_at", UtcDateTime()),  # when it was paid in full
    Column("updated_at", UtcDateTime(), nullable=False),
    _version(),
)

# Payments billing posts over the API (paid elsewhere); a reference counts once per ticket.
fee_payments = Table(
    "fee_payments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("estate_id", Uuid, nullable=False),
    _money("amount", nullable=False),
    Column("reference", String(100), nullable=False),  # billing's own id of the payment
    Column("method", String(20), nullable=False),  # cash | wechat | alipay | card | transfer | account
    Column("paid_at", UtcDateTime(), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    UniqueConstraint("ticket_id", "reference"),
)

# Commission rules (服务佣金): for an item, a category, or every item (both null); per operator or estate.
commission_rules = Table(
    "commission_rules", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: every estate
    Column("item_code", String(40)),
    Column("category", String(40)),
    Column("percent", Numeric(5, 2)),  # of the line's amount
    _money("per_unit"),  # per unit of the line's quantity
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _version(),
    UniqueConstraint("estate_id", "item_code", "category"),
)

# Commissions earned: one per charge line of a ticket paid in full, to its handler, in the month paid.
commissions = Table(
    "commissions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    Column("staff_id", Uuid, nullable=False),
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("charge_id", Uuid, ForeignKey("ticket_charges.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("rule_id", Uuid, nullable=False),
    Column("amount", Numeric(12, 2), nullable=False),  # the line's amount
    Column("commission", Numeric(12, 2), nullable=False),
    Column("earned_at", UtcDateTime(), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM, in Asia/Shanghai
    Index("ix_commissions_statement", "estate_id", "staff_id", "period"),
)

# --- the knowledge base and training cases (TKT-10) --------------------------------------------

# Problems and their solutions, per operator (estate null) or estate. The article carries its
# published version's text and the terms it is found by (tickets.domain.search_terms); every
# version, with its author and review, is a row of kb_article_versions.
_PUBLISHED = "published_version IS NOT NULL AND active"
kb_articles = Table(
    "kb_articles", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),  # null: the operator's, for every estate
    Column("latest_version", Integer, nullable=False),
    Column("published_version", Integer),  # null until a version is approved
    Column("title", String(200)),  # of the published version
    Column("symptoms", Text),
    Column("steps", JSON),
    Column("kinds", JSON),
    Column("categories", JSON),
    Column("attachments", JSON),
    # The published version's terms (tickets.domain.search_terms): text[] on PostgreSQL, found
    # through the GIN index below; " t1 t2 " text on SQLite, found with LIKE '% t %'.
    Column("terms", SearchTerms()),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # The newest published articles, walked newest first by a search for a common word.
    Index("ix_kb_articles_newest", "updated_at", "id", postgresql_where=text(_PUBLISHED),
          sqlite_where=text(_PUBLISHED)),
)

# ix_kb_articles_terms, a GIN index over the terms, exists on PostgreSQL only and is made by its
# migration (0012_knowledge_base) rather than declared here: on SQLite the terms are text, read with LIKE, and a
# revision written against SQLite (`tickets revision`) would otherwise try to add it there.

kb_article_versions = Table(
    "kb_article_versions", metadata,
    Column("article_id", Uuid, ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("estate_id", Uuid),
    Column("title", String(200), nullable=False),
    Column("symptoms", Text, nullable=False),
    Column("steps", JSON, nullable=False),  # ["关闭总阀", "更换阀芯", ...]
    Column("kinds", JSON, nullable=False),  # ticket kinds it applies to
    Column("categories", JSON, nullable=False),  # category codes it applies to
    Column("attachments", JSON, nullable=False),  # [{"name", "url"}]
    Column("author", String(200), nullable=False),
    Column("written_at", UtcDateTime(), nullable=False),
    Column("review_state", String(10), nullable=False),  # pending | approved | rejected
    Column("reviewed_by", String(200)),
    Column("reviewed_at", UtcDateTime()),
    Column("review_note", String(1000), nullable=False, server_default=""),
)

# A closed complaint made into an anonymised case for staff training (编成案例，列入岗位培训教材).
training_cases = Table(
    "training_cases", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="SET NULL"), unique=True),
    Column("complaint_class", String(20), nullable=False),
    Column("quality_aspect", String(20)),
    Column("subtype", String(40)),
    Column("root_cause", String(40)),
    Column("title", String(200), nullable=False),
    Column("story", Text, nullable=False),  # what happened and what was done, anonymised
    Column("lesson", Text, nullable=False),  # what it teaches
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

# --- standard procedures as checklists (TKT-15) -------------------------------------------------

# An operator's (estate null) or an estate's procedure; one of the same code stands in for a
# built-in one (tickets.domain.procedures.BUILT_IN).
procedure_templates = Table(
    "procedure_templates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, index=True),
    Column("code", String(40), nullable=False),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("steps", JSON, nullable=False),  # [{"key", "name_zh", "name_en", "approver_role", "due_hours"}]
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _version(),
    UniqueConstraint("estate_id", "code"),
)

# An application run through a procedure (a renovation approval, say), tracked like a ticket.
applications = Table(
    "applications", metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),  # P + the local day + six digits
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("procedure", String(40), nullable=False),  # the template's code
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("unit_id", Uuid, index=True),
    Column("person_id", Uuid, index=True),  # the applicant, told at each decision
    Column("title", String(200), nullable=False),
    Column("note", String(2000), nullable=False, server_default=""),
    Column("state", String(12), nullable=False),  # in_progress | completed | refused | withdrawn
    Column("current_step", Integer),  # the position of the step open now (null once ended)
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("closed_at", UtcDateTime()),
    Column("withdrawn_by", String(200)),  # the applicant or the desk, when withdrawn
    Column("withdrawn_reason", String(500)),
    _version(),
)

# Each step of an application: who decided it and when, or why it was refused.
application_steps = Table(
    "application_steps", metadata,
    Column("application_id", Uuid, ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),  # 1, 2, ...
    Column("estate_id", Uuid, nullable=False),
    Column("key", String(40), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("approver_role", String(40), nullable=False),
    Column("due_hours", Integer, nullable=False),
    Column("state", String(10), nullable=False),  # waiting | open | approved | refused | skipped
    Column("opened_at", UtcDateTime()),
    Column("due_at", UtcDateTime()),
    Column("decided_by", String(200)),
    Column("decided_role", String(40)),
    Column("decided_at", UtcDateTime()),
    Column("note", String(2000), nullable=False, server_default=""),
    Column("reason", String(500)),  # why it was refused
    Column("overdue_at", UtcDateTime()),  # when the timer reminded its role holders it is overdue (once)
    Column("collects", JSON),  # what approving it needs: ["documents"], ["deposit"] (null: nothing)
    Column("documents", JSON),  # what the step collected: [{"name", "url"}]
    _money("deposit"),  # the deposit the step collected (yuan), exact
    Index("ix_application_steps_due", "due_at", postgresql_where=text("state = 'open' AND overdue_at IS NULL"),
          sqlite_where=text("state = 'open' AND overdue_at IS NULL")),
)
