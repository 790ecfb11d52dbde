"""Every full number tickets shows to a caller with pii:reveal is written to the append-only audit
record (servicekit.audit): who, when, what and why; a masked answer writes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from servicekit.testing import check_append_only
from tickets.tables import pii_reveals


def _audit(db) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(select(pii_reveals).order_by(pii_reveals.c.revealed_at)).mappings()]


def test_a_ticket_s_phone_shown_whole_is_audited_and_a_masked_one_is_not(client, auth, db, place, complaint):
    desk = auth("service_desk_agent", [place["estate"]])
    ticket = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    client.get(f"/api/v1/tickets/{ticket['id']}", headers=desk)
    client.get("/api/v1/tickets", headers=desk)
    assert _audit(db) == []
    revealer = auth("service_desk_agent", [place["estate"]], perms=["pii:reveal"], subject="agent-7")
    assert client.get(f"/api/v1/tickets/{ticket['id']}", headers=revealer).json["contact_phone"] == "13812345678"
    [row] = _audit(db)
    assert (row["subject"], row["role"], row["what"], str(row["estate_id"]), str(row["person_id"]),
            str(row["record_id"]), row["why"]) == (
        "agent-7", "service_desk_agent", "ticket.contact_phone", place["estate"], place["person"], ticket["id"],
        "GET /api/v1/tickets/<uuid:ticket_id>")
    assert row["revealed_at"] is not None
    client.get("/api/v1/tickets", headers=revealer)
    assert [r["why"] for r in _audit(db)][1:] == ["GET /api/v1/tickets"]


def test_a_unit_s_mobiles_revealed_are_audited_per_person(client, auth, db, owners_world):
    world = owners_world()
    unit = world.unit(world.building("1"), "1-101", 1)
    owner, tenant = world.person("张伟", "13812345678"), world.person("李娜", "13900001111")
    world.move_in(unit, owner, role="owner")
    world.move_in(unit, tenant, role="tenant")
    revealer = auth("service_desk_agent", [world.estate_id], perms=["pii:reveal"])
    shown = client.get(f"/api/v1/units/{unit}/people?reveal=true", headers=revealer).json["people"]
    assert [p["mobile"] for p in shown] == ["13812345678", "13900001111"]
    audit = _audit(db)
    assert sorted(str(r["person_id"]) for r in audit) == sorted([str(owner), str(tenant)])
    assert {(r["what"], str(r["estate_id"]), str(r["record_id"]), r["why"]) for r in audit} == {
        ("person.mobile", str(world.estate_id), str(unit), "GET /api/v1/units/<uuid:unit_id>/people")}


def test_the_audit_record_is_append_only(db):
    check_append_only(db, pii_reveals, {
        "id": uuid.uuid4(), "estate_id": uuid.uuid4(), "subject": "agent-7", "role": "service_desk_agent",
        "what": "ticket.contact_phone", "person_id": None, "record_id": None, "why": "GET /x",
        "revealed_at": datetime.now(UTC)}, "subject")
