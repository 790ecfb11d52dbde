"""What the sign-in and console tests share: a signing key, the copy of owners' staff and territories filled the
way the consumer fills it (owners' events through the gateway's handlers), and staff accounts made
through the admin API."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session, sessionmaker

from gateway.keys.use_cases import ensure_key
from gateway.service import SERVICE
from servicekit.envelope import CloudEvent

PASSWORD = "a-long-enough-password"


@pytest.fixture
def key(db, settings):
    return ensure_key(SERVICE.unit_of_work(sessionmaker(db, expire_on_commit=False)), settings)


@pytest.fixture
def owners(db):
    """``owners(type, data)`` applies one owners event to the gateway's copy, as its consumer does."""
    handlers = SERVICE.event_handlers()

    def apply(type_: str, data: dict) -> None:
        with Session(db) as session:
            handlers[type_](session, CloudEvent(type=type_, source="/estatedesk/owners", data=data))
            session.commit()

    return apply


@pytest.fixture
def technician(owners):
    """An owners staff record (a technician of estate A, whose territory is estate B)."""
    staff_id, estate_a, estate_b = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    owners("owners.staff.joined.v1", {"staff_id": str(staff_id), "estate_id": str(estate_a), "name": "李师傅",
                                      "role": "technician", "skills": ["plumbing"], "active": True, "version": 1})
    territory = uuid.uuid4()
    owners("owners.territory.assigned.v1", {"territory_id": str(territory), "estate_id": str(estate_b),
                                            "staff_id": str(staff_id), "building_id": None, "version": 1})
    return {"staff_id": staff_id, "home": estate_a, "territory_estate": estate_b, "territory_id": territory}


@pytest.fixture
def make_account(client, auth, key, owners):
    """``make_account(role, staff_id, login)``: an account made by an admin, its first password
    replaced by PASSWORD at its first sign-in. Returns the account (with ``tokens`` of that sign-in).
    Every role but operator_admin belongs to a staff record: one with no territory unless given."""

    def make(role: str = "service_desk_agent", staff_id=None, login: str | None = None, estates=()) -> dict:
        login = login or f"user-{uuid.uuid4().hex[:8]}"
        if staff_id is None and role != "operator_admin":
            staff_id = uuid.uuid4()
            owners("owners.staff.joined.v1", {"staff_id": str(staff_id), "estate_id": str(uuid.uuid4()),
                                              "name": "王", "role": role, "skills": [], "active": True, "version": 1})
        made = client.post("/api/v1/accounts", headers=auth(), json={
            "login": login, "name": "测试员工", "role": role, "staff_id": str(staff_id) if staff_id else None,
            "estates": [str(e) for e in estates]})
        assert made.status_code == 201, made.json
        signed = client.post("/api/v1/sign-in", json={"login": login, "password": made.json["password"],
                                                      "new_password": PASSWORD})
        assert signed.status_code == 200, signed.json
        return {**made.json, "tokens": signed.json}

    return make
