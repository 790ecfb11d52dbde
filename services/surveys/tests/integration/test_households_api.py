"""The occupied households of surveys' copy of owners (what a wave samples): a unit counts while an
occupant has not moved out; per building, units and occupied households."""

from __future__ import annotations


def test_an_estates_occupied_households_by_building(client, auth, db, seeded) -> None:
    estate = seeded(buildings=2, units_each=4, moved_out=1)
    headers = auth("service_desk_agent", [str(estate.id)])
    listed = client.get(f"/api/v1/households?estate_id={estate.id}&page_size=100", headers=headers)
    assert listed.status_code == 200, listed.json
    assert len(listed.json["items"]) == 6 and {h["occupants"] for h in listed.json["items"]} == {1}
    assert [h["number"] for h in listed.json["items"]][:3] == ["1-101", "1-102", "1-103"]
    one = client.get(f"/api/v1/households?estate_id={estate.id}&building_id={estate.buildings[1]}", headers=headers)
    assert {h["building_id"] for h in one.json["items"]} == {str(estate.buildings[1])}
    before = client.get(f"/api/v1/households?estate_id={estate.id}&on=2025-01-01&page_size=100", headers=headers)
    assert len(before.json["items"]) == 8  # before the move-outs of 2025-06-30

    counts = client.get(f"/api/v1/estates/{estate.id}/buildings", headers=headers)
    assert counts.status_code == 200
    assert [(b["name"], b["units"], b["occupied"]) for b in counts.json] == [("1栋", 4, 3), ("2栋", 4, 3)]
