"""The tickets database: every table, the outbox and the inbox included, in one MetaData.

Three groups of tables:

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
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from servicekit.audit import reveal_audit_table
from servicekit.copies import copied, entity_copy, preferred_contact
from servicekit.db import UtcDateTime, service_metadata
from servicekit.idempotency import define_idempotency_keys
from servicekit.outbox import Outbox, define_inbox

metadata = service_metadata()

outbox = Outbox(metadata)
inbox = define_inbox(metadata)


def _version() -> Column:
    # A tickets entity's own version: 1 when created, +1 with every change, carried in its events.
    return Column("version", Integer, nullable=False, server_default=text("1"))


# --- the copy of owners' data (written only by the consumer: tickets.handlers) ------------------
# Each copy declares how its columns are read from owners' events (servicekit.copies.copied);
# fields tickets does not keep (an estate's address, a unit's area, a person's e-mail) are ignored.

estates = entity_copy(
    "estates", metadata,
    copied("code", String(32)),
    copied("name", String(100)),
    key="estate_id", events=("owners.estate.registered.v1", "owners.estate.updated.v1"),
)

buildings = entity_copy(
    "buildings", metadata,
    copied("estate_id", Uuid, index=True),
    copied("code", String(32)),
    copied("name", String(100)),
    key="building_id", events=("owners.building.added.v1", "owners.building.updated.v1"),
)

units = entity_copy(
    "units", metadata,
    copied("estate_id", Uuid, index=True),
    copied("building_id", Uuid, index=True),
    copied("number", String(32)),
    copied("floor", Integer, nullable=True),
    key="unit_id", events=("owners.unit.added.v1", "owners.unit.updated.v1"),
)

people = entity_copy(
    "people", metadata,
    copied("estate_id", Uuid, index=True),
    copied("name", String(100)),
    copied("language", String(10), default="zh-CN", server_default="zh-CN"),
    # The preferred mobile (else the first), kept to show the desk who called; masked in answers.
    copied("mobile", String(32), nullable=True, field="contact_points", read=preferred_contact("mobile")),
    key="person_id",
    events=("owners.person.registered.v1", "owners.person.updated.v1", "owners.person.contact_points_changed.v1"),
)

# An occupant who moved out keeps the row, with moved_out_on set.
occupancies = entity_copy(
    "occupancies", metadata,
    copied("estate_id", Uuid, index=True),
    copied("unit_id", Uuid, index=True),
    copied("person_id", Uuid, index=True),
    copied("role", String(20)),
    copied("moved_in_on", Date, nullable=True),
    copied("moved_out_on", Date, nullable=True),
    key="occupancy_id", events=("owners.occupant.moved_in.v1", "owners.occupant.moved_out.v1"),
)


def _once_each(skills: list[str] | None) -> list[str]:
    return sorted(set(skills or ()))


staff = entity_copy(
    "staff", metadata,
    copied("estate_id", Uuid, index=True),
    copied("name", String(100)),
    # e.g. technician, supervisor, first_responsible (第一负责人), service_desk_agent, estate_manager
    copied("role", String(40)),
    copied("skills", JSON, read=_once_each),  # sorted, once each
    copied("active", Boolean, default=True),
    key="staff_id", events=("owners.staff.joined.v1", "owners.staff.updated.v1"),
)

# A released territory stays as a row, released, at its release version (a tombstone), so that an
# older "assigned" event that comes late cannot bring it back.
territories = entity_copy(
    "territories", metadata,
    copied("estate_id", Uuid, index=True),
    copied("staff_id", Uuid, index=True),
    copied("building_id", Uuid, nullable=True),  # null: the whole estate
    copied("released", Boolean, server_default=text("false"),
           per_event={"owners.territory.assigned.v1": False, "owners.territory.released.v1": True}),
    key="territory_id", events=("owners.territory.assigned.v1", "owners.territory.released.v1"),
)

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

tickets = Table(
    "tickets", metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(32), nullable=False, unique=True),  # what the desk reads out, e.g. T2612010042
    Column("estate_id", Uuid, nullable=False, index=True),
    Column("building_id", Uuid, index=True),
    Column("unit_id", Uuid, index=True),
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
    Column("ticket_id", Uuid, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False, index=True),
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
