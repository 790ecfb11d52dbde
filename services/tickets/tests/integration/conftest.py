"""Helpers of the tickets tests that need a copy of owners' data: owners' events applied through
tickets' own handlers (as the consumer applies them), and open tickets to give staff a load."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from servicekit.envelope import CloudEvent
from tickets.handlers import HANDLERS
from tickets.tables import tickets


def apply_event(engine: Engine, type_: str, data: dict[str, Any]) -> None:
    """Apply one owners event through tickets' handler, in a transaction of its own."""
    event = CloudEvent(type=type_, source="/estatedesk/owners", subject=str(uuid.uuid4()), data=data)
    with Session(engine) as session, session.begin():
        HANDLERS[type_](session, event)


class OwnersWorld:
    """Builds tickets' copy of an estate by applying owners-shaped events: ``world.staff(...)``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.estate_id = uuid.uuid4()
        self.versions: dict[uuid.UUID, int] = {}
        self._emit("owners.estate.registered.v1", self.estate_id,
                   {"estate_id": str(self.estate_id), "code": "SUN", "name": "阳光花园", "city": "", "address": ""})

    def _emit(self, type_: str, id_: uuid.UUID, data: dict[str, Any]) -> uuid.UUID:
        self.versions[id_] = self.versions.get(id_, 0) + 1
        apply_event(self.engine, type_, {**data, "version": self.versions[id_]})
        return id_

    def building(self, code: str = "1") -> uuid.UUID:
        id_ = uuid.uuid4()
        return self._emit("owners.building.added.v1", id_, {"estate_id": str(self.estate_id), "building_id": str(id_),
                                                            "code": code, "name": f"{code}栋", "floors": 30})

    def unit(self, building_id: uuid.UUID, number: str, floor: int | None = None) -> uuid.UUID:
        id_ = uuid.uuid4()
        return self._emit("owners.unit.added.v1", id_, {
            "estate_id": str(self.estate_id), "building_id": str(building_id), "unit_id": str(id_), "number": number,
            "floor": floor, "area_m2": None})

    def person(self, name: str, mobile: str | None = None) -> uuid.UUID:
        id_ = uuid.uuid4()
        points = [{"kind": "mobile", "value": mobile, "label": "", "preferred": True}] if mobile else []
        return self._emit("owners.person.registered.v1", id_, {
            "estate_id": str(self.estate_id), "person_id": str(id_), "name": name, "language": "zh-CN",
            "preferred_channel": "sms", "contact_points": points})

    def move_in(self, unit_id: uuid.UUID, person_id: uuid.UUID, role: str = "owner",
                moved_out_on: str | None = None) -> uuid.UUID:
        id_ = uuid.uuid4()
        self._emit("owners.occupant.moved_in.v1", id_, {
            "estate_id": str(self.estate_id), "occupancy_id": str(id_), "unit_id": str(unit_id),
            "person_id": str(person_id), "role": role, "moved_in_on": "2024-03-01", "moved_out_on": None})
        if moved_out_on:
            self._emit("owners.occupant.moved_out.v1", id_, {
                "estate_id": str(self.estate_id), "occupancy_id": str(id_), "unit_id": str(unit_id),
                "person_id": str(person_id), "role": role, "moved_in_on": "2024-03-01", "moved_out_on": moved_out_on})
        return id_

    def staff(self, name: str, skills: tuple[str, ...] = (), role: str = "technician", active: bool = True,
              estate_id: uuid.UUID | None = None) -> uuid.UUID:
        id_ = uuid.uuid4()
        data = {"estate_id": str(estate_id or self.estate_id), "staff_id": str(id_), "name": name, "role": role,
                "skills": list(skills), "mobile": None, "email": None, "active": True}
        self._emit("owners.staff.joined.v1", id_, data)
        if not active:
            self._emit("owners.staff.updated.v1", id_, {**data, "active": False})
        return id_

    def assign(self, staff_id: uuid.UUID, building_id: uuid.UUID | None = None) -> uuid.UUID:
        id_ = uuid.uuid4()
        return self._emit("owners.territory.assigned.v1", id_, self._territory(id_, staff_id, building_id))

    def release(self, territory_id: uuid.UUID, staff_id: uuid.UUID, building_id: uuid.UUID | None = None) -> None:
        self._emit("owners.territory.released.v1", territory_id, self._territory(territory_id, staff_id, building_id))

    def department(self, code: str, members: tuple[uuid.UUID, ...] = (), supervisor: uuid.UUID | None = None,
                   id_: uuid.UUID | None = None, active: bool = True, name: str | None = None) -> uuid.UUID:
        """An estate's department (OWN-9), added or (with ``id_``) changed: its whole state each time."""
        type_ = "owners.department.added.v1" if id_ is None else "owners.department.updated.v1"
        id_ = id_ or uuid.uuid4()
        return self._emit(type_, id_, {
            "estate_id": str(self.estate_id), "department_id": str(id_), "code": code, "name": name or code,
            "supervisor_id": None if supervisor is None else str(supervisor),
            "members": sorted(str(m) for m in members), "active": active})

    def item(self, identifier: str, kind: str = "lift", building_id: uuid.UUID | None = None,
             id_: uuid.UUID | None = None, active: bool = True) -> uuid.UUID:
        """A registered common area or item of equipment (OWN-10), added or (with ``id_``) changed."""
        type_ = "owners.equipment.added.v1" if id_ is None else "owners.equipment.updated.v1"
        id_ = id_ or uuid.uuid4()
        return self._emit(type_, id_, {
            "estate_id": str(self.estate_id), "equipment_id": str(id_),
            "building_id": None if building_id is None else str(building_id), "kind": kind,
            "identifier": identifier, "name": identifier, "location": "", "installer": "",
            "maintenance_contractor": "", "installed_on": None, "active": active})

    def company(self, name: str, unit_ids: tuple[uuid.UUID, ...] = (),
                contacts: tuple[tuple[uuid.UUID, str], ...] = (), id_: uuid.UUID | None = None) -> uuid.UUID:
        """A company occupying units (OWN-11), added or (with ``id_``) changed: contacts as (person, title)
        in order."""
        type_ = "owners.company.added.v1" if id_ is None else "owners.company.updated.v1"
        id_ = id_ or uuid.uuid4()
        return self._emit(type_, id_, {
            "estate_id": str(self.estate_id), "company_id": str(id_), "name": name, "credit_code": "",
            "unit_ids": sorted(str(u) for u in unit_ids),
            "contacts": [{"position": i, "person_id": str(p), "title": t} for i, (p, t) in enumerate(contacts, 1)]})

    def _territory(self, id_: uuid.UUID, staff_id: uuid.UUID, building_id: uuid.UUID | None) -> dict[str, Any]:
        return {"estate_id": str(self.estate_id), "territory_id": str(id_), "staff_id": str(staff_id),
                "building_id": None if building_id is None else str(building_id)}


@pytest.fixture
def owners_world(db: Engine) -> Callable[[], OwnersWorld]:
    """``owners_world()``: a new estate in tickets' copy, built by owners' events."""
    return lambda: OwnersWorld(db)


@pytest.fixture
def add_ticket(db: Engine) -> Callable[..., dict[str, Any]]:
    """``add_ticket(estate_id, stage=..., assignee_id=...)``: a ticket row (what dispatch reads of one)."""
    return lambda estate_id, **values: insert_ticket(db, estate_id, **values)


def insert_ticket(engine: Engine, estate_id: uuid.UUID, *, stage: str = "dispatched",
                  assignee_id: uuid.UUID | None = None, **values: Any) -> dict[str, Any]:
    """A ticket row as the lifecycle would leave it (only what dispatch and the directory read)."""
    now = datetime.now(UTC)
    row = {"id": uuid.uuid4(), "number": f"T{uuid.uuid4().hex[:10]}", "estate_id": estate_id, "kind": "repair",
           "channel": "desk", "priority": "normal", "title": "漏水", "stage": stage, "assignee_id": assignee_id,
           "created_by": "test", "created_at": now, "updated_at": now, **values}
    with engine.begin() as conn:
        conn.execute(insert(tickets).values(row))
    return row
