"""The service commitments (服务承诺) an estate publishes to its owners (GW-3): the targets its
service levels set, by the policies' precedence over the built-in defaults, and its active catalogue
with prices but never the company's cost; the units an owner may report about. Another estate's
commitments are 404 to an owner, and another person's units are never theirs."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import insert

from tickets.tables import buildings, catalogue_items, occupancies, people, sla_policies, units


def _item(db, estate_id, code: str, price: str, *, active: bool = True) -> None:  # noqa: ANN001
    with db.begin() as conn:
        conn.execute(insert(catalogue_items).values(
            id=uuid.uuid4(), estate_id=estate_id, code=code, kind="paid", category="plumbing", name_zh="疏通下水道",
            name_en="Drain unblocking", description="", unit="次", price=Decimal(price), cost=Decimal("20.00"),
            materials=[], contents=[], active=active, version=1))


def test_an_owner_reads_their_estates_service_levels_and_prices_but_no_cost(client, db, auth, make_estate) -> None:
    estate, other = make_estate("阳光花园"), make_estate("月亮湾")
    with db.begin() as conn:  # the estate promises a handler on site within 20 minutes for urgent repairs
        conn.execute(insert(sla_policies).values(id=uuid.uuid4(), estate_id=estate, kind="repair", priority="urgent",
                                                 arrive_minutes=20, business_hours=False, version=1))
    _item(db, estate, "drain", "80.00")
    _item(db, estate, "retired", "50.00", active=False)
    owner = auth("owner", [estate], subject=str(uuid.uuid4()))

    answer = client.get(f"/api/v1/commitments?estate_id={estate}", headers=owner)
    assert answer.status_code == 200, answer.json
    assert answer.json["estate"] == {"id": str(estate), "name": "阳光花园"}
    levels = {(row["kind"], row["complaint_class"], row["priority"]): row for row in answer.json["service_levels"]}
    urgent = levels[("repair", None, "urgent")]
    assert (urgent["acknowledge_minutes"], urgent["arrive_minutes"], urgent["resolve_minutes"]) == (5, 20, 240)
    assert levels[("complaint", "facilities", "normal")]["arrive_minutes"] == 3  # the textbook's three minutes
    assert [(s["code"], s["price"]) for s in answer.json["services"]] == [("drain", "80.00")]
    assert "cost" not in answer.json["services"][0] and "margin" not in answer.json["services"][0]

    assert client.get(f"/api/v1/commitments?estate_id={other}", headers=owner).status_code == 404
    assert client.get("/api/v1/commitments", headers=owner).status_code == 422
    desk = auth("service_desk_agent", [estate])
    assert client.get(f"/api/v1/commitments?estate_id={estate}", headers=desk).status_code == 200


def test_an_owner_is_told_the_units_they_live_in_today_and_nobody_elses(client, db, auth, make_estate,
                                                                       make_row) -> None:
    estate = make_estate("阳光花园")
    building = make_row(buildings, estate_id=estate, name="3栋")
    home = make_row(units, estate_id=estate, building_id=building, number="3-502")
    left = make_row(units, estate_id=estate, building_id=building, number="3-101")
    elsewhere = make_row(units, estate_id=estate, building_id=building, number="3-808")
    person, neighbour = make_row(people, estate_id=estate), make_row(people, estate_id=estate)
    with db.begin() as conn:
        for unit, who, moved_out in ((home, person, None), (left, person, date(2020, 1, 1)),
                                     (elsewhere, neighbour, None)):
            conn.execute(insert(occupancies).values(id=uuid.uuid4(), estate_id=estate, unit_id=unit, person_id=who,
                                                    role="owner", moved_in_on=date(2019, 1, 1),
                                                    moved_out_on=moved_out, version=1))
    answer = client.get("/api/v1/commitments/places", headers=auth("owner", [estate], subject=str(person)))
    assert answer.status_code == 200, answer.json
    assert answer.json["units"] == [{"id": str(home), "number": "3-502", "building_name": "3栋",
                                     "estate_id": str(estate), "estate_name": "阳光花园"}]
    assert client.get("/api/v1/commitments/places", headers=auth("service_desk_agent", [estate])).status_code == 403
