"""The owners database: every table, the outbox included, in one MetaData that Alembic migrates.

Every table that holds a person's data carries ``estate_id`` so each query can be scoped to the
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
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from servicekit.audit import reveal_audit_table
from servicekit.db import UtcDateTime, service_metadata
from servicekit.outbox import Outbox, define_inbox

metadata = service_metadata()

outbox = Outbox(metadata)
# The events owners applies (the timeline's: tickets', notify's and surveys'), each once.
inbox = define_inbox(metadata)


def _version() -> Column:
    # The entity's version (newer wins, see servicekit.copies): 1 when created, incremented in the
    # same transaction as every change, carried as ``version`` in every event of the entity.
    return Column("version", Integer, nullable=False, server_default=text("1"))


def _timestamps() -> list[Column]:
    return [
        Column("created_at", UtcDateTime(), nullable=False),
        Column("updated_at", UtcDateTime(), nullable=False),
    ]


estates = Table(
    "estates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(32), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("city", String(50), nullable=False, server_default=""),
    Column("address", String(200), nullable=False, server_default=""),
    _version(),
    *_timestamps(),
)

buildings = Table(
    "buildings", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False, index=True),
    Column("code", String(32), nullable=False),
    Column("name", String(100), nullable=False),
    Column("floors", Integer),
    _version(),
    *_timestamps(),
    UniqueConstraint("estate_id", "code"),
)

units = Table(
    "units", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("building_id", Uuid, ForeignKey("buildings.id"), nullable=False),
    # The unit number as residents say it inside their building, e.g. "2-1202" (entrance 2, room 1202).
    Column("number", String(32), nullable=False),
    Column("floor", Integer),
    Column("area_m2", Numeric(8, 2)),
    _version(),
    # The version of the unit's contact list (unit.contacts_changed): 0 until one is first set.
    Column("contacts_version", Integer, nullable=False, server_default=text("0")),
    *_timestamps(),
    UniqueConstraint("building_id", "number"),
    Index("ix_units_estate_number", "estate_id", "number", postgresql_ops={"number": "text_pattern_ops"}),
)

people = Table(
    "people", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("language", String(10), nullable=False, server_default="zh-CN"),
    Column("preferred_channel", String(10), nullable=False, server_default="sms"),
    Column("note", Text, nullable=False, server_default=""),
    _version(),
    *_timestamps(),
    # Name search is by prefix (surname first in Chinese): a btree over (estate, name) serves it.
    Index("ix_people_estate_name", "estate_id", "name", postgresql_ops={"name": "text_pattern_ops"}),
)

contact_points = Table(
    "contact_points", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("person_id", Uuid, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # mobile | email | other
    Column("value", String(200), nullable=False),
    # Last four digits of a phone number: the desk often has only those ("尾号 5678").
    Column("last4", String(4)),
    Column("label", String(50), nullable=False, server_default=""),
    Column("preferred", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint("kind IN ('mobile', 'email', 'other')", name="kind"),
    # The number first, then the estate: a phone lookup stays a few index entries whatever the
    # caller's scope, a call centre that sees every estate included (caller-ID on each call).
    Index("ix_contact_points_value_estate", "value", "estate_id"),
    Index("ix_contact_points_last4_estate", "last4", "estate_id"),
)

occupancies = Table(
    "occupancies", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("unit_id", Uuid, ForeignKey("units.id"), nullable=False, index=True),
    Column("person_id", Uuid, ForeignKey("people.id"), nullable=False, index=True),
    Column("role", String(10), nullable=False),  # owner | tenant | family | other
    Column("moved_in_on", Date, nullable=False),
    Column("moved_out_on", Date),
    _version(),
    *_timestamps(),
    CheckConstraint("role IN ('owner', 'tenant', 'family', 'other')", name="role"),
    CheckConstraint("moved_out_on IS NULL OR moved_out_on >= moved_in_on", name="dates"),
)

# The ordered contact persons of a unit (联系人的选择): whom the desk calls first, second, ...
unit_contacts = Table(
    "unit_contacts", metadata,
    Column("unit_id", Uuid, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("person_id", Uuid, ForeignKey("people.id"), nullable=False),
    UniqueConstraint("unit_id", "person_id"),
)

staff = Table(
    "staff", metadata,
    Column("id", Uuid, primary_key=True),
    # The estate whose service centre employs the member; territories may reach further.
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("role", String(30), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("mobile", String(20)),
    Column("email", String(200)),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _version(),
    *_timestamps(),
)

# Territories (地域): which estates or buildings a staff member covers; a null building is the whole estate.
territories = Table(
    "territories", metadata,
    Column("id", Uuid, primary_key=True),
    Column("staff_id", Uuid, ForeignKey("staff.id"), nullable=False, index=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False, index=True),
    Column("building_id", Uuid, ForeignKey("buildings.id")),
    Column("assigned_at", UtcDateTime(), nullable=False),
    _version(),  # released carries version + 1
)

# Departments (部门, OWN-9) of an estate's management office: customer service, engineering, security,
# cleaning, finance ...; a department of no estate is the operator's template (no supervisor, no members).
departments = Table(
    "departments", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), index=True),  # null: an operator-wide template
    Column("code", String(40), nullable=False),  # e.g. engineering: what templates and other services match
    Column("name", String(100), nullable=False),
    Column("supervisor_id", Uuid, ForeignKey("staff.id")),  # 主管; null while vacant
    Column("active", Boolean, nullable=False, server_default=text("true")),
    _version(),  # a change of its members is a new version of the department too
    *_timestamps(),
    UniqueConstraint("estate_id", "code"),
)

# Who works in which department: a member of staff may belong to several.
department_members = Table(
    "department_members", metadata,
    Column("department_id", Uuid, ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", Uuid, ForeignKey("staff.id"), primary_key=True, index=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
)

# Common areas and equipment (OWN-10) of an estate, or of one of its buildings: lifts, pumps, gates,
# lighting, car parks, fire systems ...; a ticket names one instead of a unit.
equipment = Table(
    "equipment", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False, index=True),
    Column("building_id", Uuid, ForeignKey("buildings.id"), index=True),  # null: the estate's (a gate, a car park)
    Column("kind", String(20), nullable=False),  # owners.domain.equipment.Kind
    Column("identifier", String(60), nullable=False),  # what the site calls it: 1栋-1号梯, a registration number
    Column("name", String(100), nullable=False),
    Column("location", String(200), nullable=False, server_default=""),
    Column("installer", String(100), nullable=False, server_default=""),
    Column("maintenance_contractor", String(100), nullable=False, server_default=""),
    Column("installed_on", Date),
    Column("active", Boolean, nullable=False, server_default=text("true")),  # false: decommissioned
    _version(),
    *_timestamps(),
    UniqueConstraint("estate_id", "identifier"),
)

# Companies as occupants (OWN-11): an office building's tenant occupies units; its staff are its
# contacts, in order.
companies = Table(
    "companies", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("credit_code", String(18), nullable=False, server_default=""),  # 统一社会信用代码, if known
    Column("note", Text, nullable=False, server_default=""),
    _version(),  # a change of its units or contacts is a new version of the company too
    *_timestamps(),
    UniqueConstraint("estate_id", "name"),
    # Search is by the beginning of the name, as for people.
    Index("ix_companies_estate_name", "estate_id", "name", postgresql_ops={"name": "text_pattern_ops"}),
)

company_units = Table(
    "company_units", metadata,
    Column("company_id", Uuid, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", Uuid, ForeignKey("units.id"), primary_key=True, index=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
)

company_contacts = Table(
    "company_contacts", metadata,
    Column("company_id", Uuid, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("person_id", Uuid, ForeignKey("people.id"), nullable=False, index=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("title", String(50), nullable=False, server_default=""),  # 行政经理, 前台 ...
    UniqueConstraint("company_id", "person_id"),
)

# The owners' committee (业主委员会, SRV-7) of an estate, its members (owners) with roles and terms, and
# the log of the management office's contacts and meetings with it.
committees = Table(
    "committees", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("term_starts_on", Date, nullable=False),
    Column("term_ends_on", Date),
    Column("note", Text, nullable=False, server_default=""),
    *_timestamps(),
)

committee_members = Table(
    "committee_members", metadata,
    Column("id", Uuid, primary_key=True),
    Column("committee_id", Uuid, ForeignKey("committees.id"), nullable=False, index=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("person_id", Uuid, ForeignKey("people.id"), nullable=False, index=True),
    Column("role", String(20), nullable=False),  # chair | vice_chair | secretary | member
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),  # null: in office
    *_timestamps(),
    CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="term"),
)

committee_contacts = Table(
    "committee_contacts", metadata,
    Column("id", Uuid, primary_key=True),
    Column("committee_id", Uuid, ForeignKey("committees.id"), nullable=False),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # meeting | call | visit | letter | other
    Column("at", UtcDateTime(), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    Column("staff_id", Uuid, ForeignKey("staff.id")),  # who of the management office took part
    Column("member_ids", JSON, nullable=False),  # the committee members who took part
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Index("ix_committee_contacts_committee_at", "committee_id", "at"),
)

# Prospects (潜在客户, OWN-7): leads assigned to staff, moved along a pipeline, converted into an owner
# or occupant with their history kept.
prospects = Table(
    "prospects", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("interest", String(10), nullable=False),  # buyer | tenant | company
    Column("company_name", String(200), nullable=False, server_default=""),
    Column("mobile", String(20)),
    Column("email", String(200)),
    Column("unit_id", Uuid, ForeignKey("units.id")),  # the unit of interest, if any
    Column("source", String(50), nullable=False, server_default=""),  # walk-in, referral, agency ...
    Column("stage", String(12), nullable=False),
    Column("staff_id", Uuid, ForeignKey("staff.id")),  # who follows it up
    Column("follow_up_on", Date),
    Column("lost_reason", String(500)),
    Column("person_id", Uuid, ForeignKey("people.id")),  # whom it became (won): a company's, its contact
    Column("company_id", Uuid, ForeignKey("companies.id")),  # the company it became (a company prospect, won)
    Column("converted_at", UtcDateTime()),
    *_timestamps(),
    Index("ix_prospects_estate_stage_follow_up", "estate_id", "stage", "follow_up_on"),
)

prospect_activities = Table(
    "prospect_activities", metadata,
    Column("id", Uuid, primary_key=True),
    Column("prospect_id", Uuid, ForeignKey("prospects.id"), nullable=False, index=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # call | visit | viewing | message | note | stage
    Column("at", UtcDateTime(), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("staff_id", Uuid, ForeignKey("staff.id")),
    Column("recorded_by", String(200), nullable=False),
)

# Documents (OWN-5): versioned contract and proposal templates (the operator's: estate null), and the
# DOCX files generated from them for a person, with who generated them.
document_templates = Table(
    "document_templates", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), index=True),  # null: the operator's, every estate
    Column("code", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(10), nullable=False),  # contract | proposal
    Column("name", String(100), nullable=False),
    Column("paragraphs", JSON, nullable=False),
    Column("body", LargeBinary, nullable=False),  # the DOCX template
    Column("created_by", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("estate_id", "code", "version"),
)

documents = Table(
    "documents", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("person_id", Uuid, ForeignKey("people.id"), nullable=False, index=True),
    Column("unit_id", Uuid, ForeignKey("units.id")),
    Column("template_id", Uuid, ForeignKey("document_templates.id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("generated_by", String(200), nullable=False),
    Column("generated_at", UtcDateTime(), nullable=False),
)

visitors = Table(
    "visitors", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, ForeignKey("estates.id"), nullable=False),
    Column("host_unit_id", Uuid, ForeignKey("units.id"), nullable=False),
    Column("visitor_name", String(100), nullable=False),
    Column("visitor_mobile", String(20)),
    Column("id_type", String(20), nullable=False),
    # Only the masked ID number is ever stored (OWN-8: no more of an ID than is needed).
    Column("id_number_masked", String(40), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("time_in", UtcDateTime(), nullable=False),
    Column("time_out", UtcDateTime()),
    Column("host_confirmed", Boolean, nullable=False, server_default=text("false")),
    Column("registered_by", String(100), nullable=False),
    Index("ix_visitors_estate_time_in", "estate_id", "time_in"),
)

# The activity timeline (OWN-3): what the other services' events say happened to a person or a unit,
# written by owners' consumer (owners.timeline.entries); an entry's id and time come from its event,
# so a timeline rebuilt by replay has the same rows.
timeline_entries = Table(
    "timeline_entries", metadata,
    Column("id", Uuid, primary_key=True),
    Column("estate_id", Uuid, nullable=False),
    # Not foreign keys: an event may name a person or unit before owners' own row is visible, or after
    # it is gone; the timeline keeps what happened.
    Column("person_id", Uuid),
    Column("unit_id", Uuid),
    Column("kind", String(40), nullable=False),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("source", String(20), nullable=False),
    Column("record_id", Uuid, nullable=False),
    Column("reference", String(200)),
    Column("link", String(200)),
    Column("details", JSON, nullable=False),
    Column("event_id", String(100), nullable=False),
    Index("ix_timeline_entries_person", "person_id", "occurred_at"),
    Index("ix_timeline_entries_unit", "unit_id", "occurred_at"),
)

# Every reveal of a full phone or ID number, for the privacy audit: servicekit's append-only
# table, the same in every service.
pii_reveals = reveal_audit_table(metadata)
