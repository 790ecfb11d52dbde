"""Common areas and equipment (OWN-10) in tickets, on tickets' copy built by owners' events through the
handlers: a ticket names a registered item (its building taken from the item; free text stays for what
is not registered), and the repeat-failures report counts the repairs and complaints of each item."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from tickets.tables import categories, equipment, tickets


def _category(db) -> None:  # noqa: ANN001
    with db.begin() as conn:
        conn.execute(insert(categories).values(id=uuid.uuid4(), estate_id=None, kind="repair", code="lift",
                                               name_zh="电梯", name_en="Lift", skill="lifts"))


def _open(client, desk, world, **body):  # noqa: ANN001, ANN202
    return client.post("/api/v1/tickets", json={"estate_id": str(world.estate_id), "kind": "repair",
                                                "category": "lift", "title": "电梯停梯", **body}, headers=desk)


def test_the_copy_keeps_the_newest_state_of_an_item(db, owners_world) -> None:
    world = owners_world()
    lift = world.item("1栋-1号梯")
    world.item("1栋-1号梯", id_=lift, active=False)
    with db.connect() as conn:
        row = conn.execute(select(equipment).where(equipment.c.id == lift)).mappings().one()
    assert (row["identifier"], row["kind"], row["active"], row["version"]) == ("1栋-1号梯", "lift", False, 2)


def test_a_ticket_names_a_registered_item_and_free_text_stays(db, client, auth, owners_world) -> None:
    _category(db)
    world, theirs = owners_world(), owners_world()
    b1, b2 = world.building("1"), world.building("2")
    lift = world.item("1栋-1号梯", building_id=b1)
    gate = world.item("北门道闸", kind="gate")
    old = world.item("旧水泵", kind="pump", id_=None)
    world.item("旧水泵", kind="pump", id_=old, active=False)
    foreign = theirs.item("1栋-1号梯")
    desk = auth("service_desk_agent", [world.estate_id])

    named = _open(client, desk, world, equipment_id=str(lift))
    assert named.status_code == 201, named.json
    assert (named.json["equipment_id"], named.json["building_id"]) == (str(lift), str(b1))  # the item's building
    estate_wide = _open(client, desk, world, equipment_id=str(gate), common_area="北门")
    assert estate_wide.json["building_id"] is None and estate_wide.json["common_area"] == "北门"
    free = _open(client, desk, world, common_area="3栋楼顶水箱")  # not registered: free text as before
    assert free.status_code == 201 and free.json["equipment_id"] is None
    listed = client.get(f"/api/v1/tickets?equipment_id={lift}", headers=desk).json["items"]
    assert [t["id"] for t in listed] == [named.json["id"]]

    wrong_building = _open(client, desk, world, equipment_id=str(lift), building_id=str(b2))
    assert wrong_building.status_code == 422 and wrong_building.json["errors"]["equipment_id"]
    decommissioned = _open(client, desk, world, equipment_id=str(old))
    assert decommissioned.status_code == 422 and decommissioned.json["errors"]["equipment_id"]
    assert _open(client, desk, world, equipment_id=str(foreign)).status_code == 404
    assert client.get(f"/api/v1/tickets?equipment_id={foreign}", headers=desk).status_code == 404
    everywhere = _open(client, auth("operator_admin"), world, equipment_id=str(foreign))
    assert everywhere.status_code == 422 and everywhere.json["errors"]["equipment_id"]


def test_the_report_counts_repeated_failures_per_item(db, client, auth, owners_world) -> None:
    _category(db)
    world, theirs = owners_world(), owners_world()
    building = world.building()
    lift, pump, gate = world.item("1号梯", building_id=building), world.item("2号泵", kind="pump"), \
        world.item("北门道闸", kind="gate")
    their_lift = theirs.item("1号梯")
    desk = auth("service_desk_agent", [world.estate_id])
    opened = [_open(client, desk, world, equipment_id=str(lift)).json for _ in range(3)]
    _open(client, desk, world, equipment_id=str(pump))
    _open(client, desk, world, equipment_id=str(pump))
    _open(client, desk, world, equipment_id=str(gate))
    _open(client, desk, world, kind="complaint", complaint_class="facilities", category=None,
          equipment_id=str(gate), title="道闸又坏了")
    _open(client, desk, world, kind="inquiry", category=None, equipment_id=str(gate), title="道闸怎么开")  # no failure
    _open(client, auth("operator_admin"), theirs, equipment_id=str(their_lift))
    _open(client, auth("operator_admin"), theirs, equipment_id=str(their_lift))
    with db.begin() as conn:  # one of the pump's is a duplicate, merged; the lift's first is long past
        conn.execute(update(tickets).where(tickets.c.equipment_id == pump, tickets.c.stage == "received")
                     .values(stage="merged").execution_options(synchronize_session=False)
                     .where(tickets.c.id == select(tickets.c.id).where(tickets.c.equipment_id == pump)
                            .limit(1).scalar_subquery()))
        conn.execute(update(tickets).where(tickets.c.id == uuid.UUID(opened[0]["id"]))
                     .values(created_at=datetime.now(UTC) - timedelta(days=200)))

    report = client.get("/api/v1/reports/repeat-failures", headers=desk)
    assert report.status_code == 200, report.json
    assert [(i["identifier"], i["failures"]) for i in report.json["items"]] == [("1号梯", 2), ("北门道闸", 2)]
    assert report.json["at_least"] == 2
    year = client.get("/api/v1/reports/repeat-failures", query_string={
        "from": (datetime.now(UTC) - timedelta(days=365)).date().isoformat(), "at_least": 3, "kind": "lift"},
        headers=desk).json["items"]
    assert [(i["identifier"], i["failures"], i["building_id"]) for i in year] == [("1号梯", 3, str(building))]
    ours = client.get("/api/v1/reports/repeat-failures", query_string={"estate_id": str(world.estate_id),
                                                                         "at_least": 1}, headers=desk).json
    assert {i["identifier"] for i in ours["items"]} == {"1号梯", "2号泵", "北门道闸"}
    assert client.get("/api/v1/reports/repeat-failures", query_string={"estate_id": str(theirs.estate_id)},
                      headers=desk).status_code == 404
    backwards = client.get("/api/v1/reports/repeat-failures", query_string={"from": "2026-02-01", "to": "2026-01-01"},
                           headers=desk)
    assert backwards.status_code == 422
