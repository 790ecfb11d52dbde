"""Quick entry (快速录入, TKT-1): a ticket of any kind from the desk, the phone, the owner's pages or
another system, about a unit or a common area and a person of the service's copy of owners' data.

A retried call never makes two tickets: with an idempotency key (the ``Idempotency-Key`` header)
the ticket is opened once per caller and key, as every service keeps its keys
(:mod:`servicekit.idempotency`): the same key and the same entry answer that ticket again and make
nothing new; the same key with a different entry is a 422; of concurrent calls with one key, one
opens the ticket and the others answer it.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Text, bindparam, cast, literal, or_, select, true

from servicekit.errors import Invalid
from servicekit.idempotency import KeyedRequest, once
from servicekit.ids import new_uuid
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets import events
from tickets.domain.classification import classify
from tickets.domain.stages import CLOSED, Stage
from tickets.sla import clocks, policies
from tickets.tables import (
    buildings,
    categories,
    departments,
    equipment,
    estates,
    idempotency_keys,
    people,
    ticket_steps,
    tickets,
    units,
)
from tickets.tickets.timeline import Actor, step_row

# A likely duplicate: an open ticket of the same unit (or common area), kind and category, opened
# within this window before the new one.
DUPLICATE_WINDOW = timedelta(hours=24)
# Ticket numbers are read out by the desk: T, the local day (UTC+8), six random digits.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def open_ticket(uow: UnitOfWork, actor: Actor, entry: Mapping[str, Any], *, key: KeyedRequest | None = None,
                at: datetime | None = None) -> dict[str, Any]:
    """Open a ticket, once per idempotency ``key``; answers ``{"ticket", "created",
    "possible_duplicates"}`` (``created`` is False when the key answered an earlier ticket)."""
    at = at or now()

    def earlier(ticket_id: str) -> dict[str, Any]:
        ticket = get_row(uow, tickets, UUID(ticket_id), "ticket", what_zh="工单")
        return {"ticket": ticket, "possible_duplicates": []}

    opened, created = once(uow, idempotency_keys, key, make=lambda: _open(uow, actor, entry, at),
                           answer_of=lambda made: str(made["ticket"]["id"]), earlier=earlier)
    return {**opened, "created": created}


def _open(uow: UnitOfWork, actor: Actor, entry: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    what = classify(entry)
    found, duplicates = _look_up(uow, entry, what, at)
    person = found.get("person") or {}
    row = {
        "id": new_uuid(), "number": ticket_number(at), "estate_id": entry["estate_id"],
        "building_id": found["building_id"], "unit_id": entry.get("unit_id"),
        "common_area": entry.get("common_area") or None, "department_id": entry.get("department_id"),
        "equipment_id": entry.get("equipment_id"), "person_id": entry.get("person_id"),
        "contact_name": entry.get("contact_name") or person.get("name"),
        "contact_phone": entry.get("contact_phone") or person.get("mobile"),
        **what, "channel": entry["channel"], "category": entry.get("category") or None,
        "major": bool(entry.get("major", False)), "skill": found.get("skill"), "title": entry["title"],
        "description": entry.get("description") or "", "stage": Stage.RECEIVED.value, "assignee_id": None,
        "escalation_level": 0, "waiting_on_owner": False, "promised_by": None, "promise_kept": None,
        "merged_into_id": None, "cancel_reason": None, "evaluation_score": None, "evaluation_comment": None,
        "reopen_count": 0, "created_by": actor.subject,
        "created_at": at, "updated_at": at, "acknowledged_at": None, "dispatched_at": None, "arrived_at": None,
        "resolved_at": None, "closed_at": None, "version": 1,
    }
    # The ticket, its first step and its deadlines are written with the outbox row in one round trip
    # at commit (servicekit's insert_later; reading the deadlines' policy does not need them written,
    # an opening escalation's first write does).
    uow.insert_later(tickets, [row])
    uow.insert_later(ticket_steps, [step_row(row, "opened", actor, at, stage_to=row["stage"],
                                             details={"channel": row["channel"]})])
    uow.record(events.TICKET_OPENED, row["id"], {
        "ticket": events.ticket_payload(row), "possible_duplicates": [str(d["id"]) for d in duplicates]})
    row = dict(clocks.on_ticket_changed(uow, row, "opened", at))
    return {"ticket": row, "possible_duplicates": duplicates}


def _look_up(uow: UnitOfWork, entry: Mapping[str, Any], what: Mapping[str, Any],
             at: datetime) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The copy rows the entry names (each in the entry's estate; every missing one a field error)
    and the likely duplicates of the new ticket, in one round trip."""
    unit_id, building_id, person_id = entry.get("unit_id"), entry.get("building_id"), entry.get("person_id")
    code, klass = entry.get("category") or None, what["complaint_class"]
    department_id, equipment_id = entry.get("department_id"), entry.get("equipment_id")
    shape = Shape(unit_id is not None, building_id is not None, person_id is not None, code is not None,
                  klass is not None, department_id is not None, equipment_id is not None)
    read_ahead = uow.dialect.name == "postgresql"  # json_agg
    rows = uow.execute(_lookup_statement(shape, read_ahead), {
        "estate_id": entry["estate_id"], "unit_id": unit_id, "building_id": building_id, "person_id": person_id,
        "department_id": department_id, "equipment_id": equipment_id, "kind": what["kind"], "code": code,
        "complaint_class": klass, "priority": what["priority"], "common_area": entry.get("common_area"),
        "since": at - DUPLICATE_WINDOW, "until": at}).mappings().all()
    found = rows[0]
    # The SLA policies the new ticket's deadlines need, read in the same round trip.
    if read_ahead and found["sla_policies"] is not None:
        policies.read_ahead(uow, (entry["estate_id"], what["kind"], klass, what["priority"]),
                            json.loads(found["sla_policies"]))
    if found["estate"] is None:
        raise Invalid("no such estate in the tickets service's copy of owners", "工单服务的业主资料中没有此小区",
                      errors={"estate_id": ["no such estate (has the copy caught up with owners?)"]})
    errors = {}
    if shape.unit:
        if found["unit_building"] is None:
            errors["unit_id"] = ["no such unit in this estate"]
        elif building_id is not None and building_id != found["unit_building"]:
            errors["building_id"] = ["is not the unit's building"]
        building_id = found["unit_building"]
    elif shape.building and found["building"] is None:
        errors["building_id"] = ["no such building in this estate"]
    if shape.person and found["person"] is None:
        errors["person_id"] = ["no such person in this estate"]
    if shape.equipment:
        if found["equipment"] is None:
            errors["equipment_id"] = ["no such registered item in service in this estate"]
        elif found["equipment_building"] is not None:
            if building_id is not None and building_id != found["equipment_building"]:
                errors["equipment_id"] = ["is not in the ticket's building"]
            building_id = found["equipment_building"]
    if shape.department and found["department"] is None:
        errors["department_id"] = ["no such open department in this estate"]
    if shape.category and found["category"] is None:
        errors["category"] = [f"no such {what['kind']} category in this estate"]
    if errors:
        raise Invalid("the ticket names what the estate does not have", "工单引用的信息在本小区不存在", errors=errors)
    person = {"name": found["person_name"], "mobile": found["person_mobile"]} if shape.person else {}
    duplicates = sorted(({"id": r["dup_id"], "number": r["dup_number"], "stage": r["dup_stage"],
                          "title": r["dup_title"], "created_at": r["dup_created_at"]}
                         for r in rows if r["dup_id"] is not None), key=lambda d: d["created_at"], reverse=True)
    return {"building_id": building_id, "person": person, "skill": found.get("skill")}, duplicates


class Shape(NamedTuple):
    """Which of the optional fields an entry gives: one parameterised statement per shape."""

    unit: bool
    building: bool
    person: bool
    category: bool
    complaint_class: bool
    department: bool = False
    equipment: bool = False


@functools.cache
def _lookup_statement(shape: Shape, read_ahead: bool) -> Any:
    """``SELECT refs.*, dup.* FROM (one row of scalar lookups) refs LEFT JOIN (the duplicates) dup``.

    Built once per shape with bound parameters, so a new ticket costs one round trip and no
    statement building; the estate's own category stands in for the operator's of the same code.
    With ``read_ahead`` (PostgreSQL) the SLA policies the deadlines need come in the same round trip.
    """
    estate_id = bindparam("estate_id")

    def one(column: Any, *where: Any) -> Any:
        return select(column).where(*where).limit(1).scalar_subquery()

    looked_up = {"estate": one(estates.c.id, estates.c.id == estate_id)}
    if read_ahead:  # as text, decoded once (every row of likely duplicates repeats it)
        looked_up["sla_policies"] = cast(policies.MATCHING_AS_JSON, Text)
    if shape.unit:
        looked_up["unit_building"] = one(units.c.building_id, units.c.id == bindparam("unit_id"),
                                         units.c.estate_id == estate_id)
    elif shape.building:
        looked_up["building"] = one(buildings.c.id, buildings.c.id == bindparam("building_id"),
                                    buildings.c.estate_id == estate_id)
    if shape.person:
        in_estate = (people.c.id == bindparam("person_id"), people.c.estate_id == estate_id)
        looked_up.update(person=one(people.c.id, *in_estate), person_name=one(people.c.name, *in_estate),
                         person_mobile=one(people.c.mobile, *in_estate))
    if shape.equipment:
        usable_item = (equipment.c.id == bindparam("equipment_id"), equipment.c.estate_id == estate_id,
                       equipment.c.active.is_(True))
        looked_up.update(equipment=one(equipment.c.id, *usable_item),
                         equipment_building=one(equipment.c.building_id, *usable_item))
    if shape.department:
        looked_up["department"] = one(departments.c.id, departments.c.id == bindparam("department_id"),
                                      departments.c.estate_id == estate_id, departments.c.active.is_(True))
    if shape.category:
        usable = (categories.c.kind == bindparam("kind"), categories.c.code == bindparam("code"),
                  categories.c.active.is_(True), or_(categories.c.estate_id == estate_id,
                                                     categories.c.estate_id.is_(None)))
        for name, column in (("category", categories.c.id), ("skill", categories.c.skill)):
            looked_up[name] = (select(column).where(*usable).order_by(categories.c.estate_id.is_(None))
                               .limit(1).scalar_subquery())
    refs = select(*(value.label(name) for name, value in looked_up.items())).subquery("refs")
    duplicates = _duplicates(shape).subquery("dup")
    return select(refs, duplicates).select_from(refs.outerjoin(duplicates, true()))


def _duplicates(shape: Shape) -> Any:
    """Open tickets likely about the same thing: same unit (or registered item, or common area), kind and
    category (or class), opened within :data:`DUPLICATE_WINDOW` before the new one."""
    # The closed stages as plain parameters (literal), not an expanding IN: the statement is then
    # rendered once, not again for every ticket opened.
    where = [tickets.c.kind == bindparam("kind"), tickets.c.stage.notin_([literal(s.value) for s in CLOSED]),
             tickets.c.created_at >= bindparam("since"), tickets.c.created_at <= bindparam("until")]
    if shape.unit:  # a unit is in one estate: ix_tickets_duplicates (unit, category, time) finds them
        where.append(tickets.c.unit_id == bindparam("unit_id"))
    elif shape.equipment:  # a registered item (OWN-10) is in one estate too
        where.append(tickets.c.equipment_id == bindparam("equipment_id"))
    else:
        where += [tickets.c.estate_id == bindparam("estate_id"), tickets.c.unit_id.is_(None),
                  tickets.c.common_area == bindparam("common_area")]
    where.append(tickets.c.category == bindparam("code") if shape.category else tickets.c.category.is_(None))
    where.append(tickets.c.complaint_class == bindparam("complaint_class") if shape.complaint_class
                 else tickets.c.complaint_class.is_(None))
    return (select(tickets.c.id.label("dup_id"), tickets.c.number.label("dup_number"),
                   tickets.c.stage.label("dup_stage"), tickets.c.title.label("dup_title"),
                   tickets.c.created_at.label("dup_created_at"))
            .where(*where).order_by(tickets.c.created_at.desc()).limit(5))


def ticket_number(at: datetime) -> str:
    """``T`` + the local day + six random digits, e.g. T261201042170 (a taken one is drawn again)."""
    return f"T{at.astimezone(LOCAL_TIME):%y%m%d}{secrets.randbelow(1_000_000):06d}"
