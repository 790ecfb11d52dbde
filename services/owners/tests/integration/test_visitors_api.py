"""The visitor register through the HTTP API on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from owners.tables import visitors

RESIDENT_ID = "11010519491231002X"  # the standard's own example, with a valid check character


def _register(client, auth, unit, **extra):
    body = {"host_unit_id": unit, "visitor_name": "访客甲", "id_type": "resident_id", "id_number": RESIDENT_ID,
            "purpose": "探亲", **extra}
    return client.post("/api/v1/visitors", json=body, headers=auth())


def test_registering_a_visitor_keeps_only_the_masked_id(client, auth, make_place, db, outbox_events):
    place = make_place()
    events_before = len(outbox_events())
    response = _register(client, auth, place["units"][0], visitor_mobile="13712345678")
    assert response.status_code == 201
    visitor = response.json
    assert visitor["id_number_masked"] == "110105********002X" and "id_number" not in visitor
    assert visitor["visitor_mobile"] == "137****5678"
    assert visitor["estate_id"] == place["estate"] and visitor["time_out"] is None
    assert visitor["registered_by"] == "test-operator_admin" and visitor["host_confirmed"] is False
    with db.connect() as conn:
        stored = conn.execute(select(visitors)).mappings().one()
    assert RESIDENT_ID not in {str(v) for v in stored.values()}
    assert len(outbox_events()) == events_before


def test_a_wrong_check_character_or_a_future_arrival_is_refused(client, auth, make_place, row_counts):
    place = make_place()
    before = row_counts()
    assert _register(client, auth, place["units"][0], id_number="110105194912310021").status_code == 422
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert _register(client, auth, place["units"][0], time_in=tomorrow).status_code == 422
    assert row_counts() == before


def test_confirming_with_the_host_and_checking_out(client, auth, make_place):
    place = make_place()
    visitor = _register(client, auth, place["units"][0], id_type="passport", id_number="E12345678").json
    confirmed = client.post(f"/api/v1/visitors/{visitor['id']}/host-confirmation", headers=auth())
    assert confirmed.status_code == 200 and confirmed.json["host_confirmed"] is True
    out = client.post(f"/api/v1/visitors/{visitor['id']}/check-out", json={}, headers=auth())
    assert out.status_code == 200 and out.json["time_out"] is not None
    assert client.post(f"/api/v1/visitors/{visitor['id']}/check-out", json={}, headers=auth()).status_code == 409
    assert client.post(f"/api/v1/visitors/{visitor['id']}/host-confirmation", headers=auth()).status_code == 409
    assert client.get(f"/api/v1/visitors/{visitor['id']}", headers=auth()).json["time_out"] == out.json["time_out"]


def test_checking_out_before_arriving_is_refused(client, auth, make_place, row_counts):
    place = make_place()
    arrived = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    visitor = _register(client, auth, place["units"][0], time_in=arrived.isoformat()).json
    before = row_counts()
    response = client.post(f"/api/v1/visitors/{visitor['id']}/check-out",
                           json={"time_out": (arrived - timedelta(minutes=1)).isoformat()}, headers=auth())
    assert response.status_code == 422
    assert row_counts() == before


def test_listing_an_estates_visitors_by_local_day_and_still_inside(client, auth, make_place):
    place = make_place()
    unit = place["units"][0]
    # 2025-03-01 23:30 in Shanghai is 15:30 UTC the same day; 2025-03-02 00:30 there is 16:30 UTC on the 1st.
    late = _register(client, auth, unit, visitor_name="晚", time_in="2025-03-01T15:30:00Z").json
    _register(client, auth, unit, visitor_name="次日", time_in="2025-03-01T16:30:00Z")
    client.post(f"/api/v1/visitors/{late['id']}/check-out", json={"time_out": "2025-03-01T15:45:00Z"}, headers=auth())
    agent = auth("service_desk_agent", [place["estate"]])
    url = f"/api/v1/visitors?estate_id={place['estate']}"

    def names(query=""):
        return [v["visitor_name"] for v in client.get(url + query, headers=agent).json["items"]]

    assert names() == ["次日", "晚"]
    assert names("&date=2025-03-01") == ["晚"]
    assert names("&date=2025-03-02") == ["次日"]
    assert names("&inside=true") == ["次日"]
    assert names("&inside=false") == ["晚"]


def test_visitors_of_another_estate_are_not_found(client, auth, make_place):
    mine, theirs = make_place("A"), make_place("B")
    visitor = _register(client, auth, theirs["units"][0]).json
    desk = auth("service_desk_agent", [mine["estate"]])
    assert client.get(f"/api/v1/visitors/{visitor['id']}", headers=desk).status_code == 404
    assert client.post(f"/api/v1/visitors/{visitor['id']}/check-out", json={}, headers=desk).status_code == 404
    assert client.post(f"/api/v1/visitors/{visitor['id']}/host-confirmation", headers=desk).status_code == 404
    assert client.get(f"/api/v1/visitors?estate_id={theirs['estate']}", headers=desk).status_code == 404
    assert _register(client, lambda: desk, theirs["units"][0]).status_code == 404
    assert client.get(f"/api/v1/visitors?estate_id={mine['estate']}", headers=desk).json["items"] == []


def test_technicians_read_but_do_not_register_visitors(client, auth, make_place):
    place = make_place()
    technician = auth("technician", [place["estate"]])
    assert _register(client, lambda: technician, place["units"][0]).status_code == 403
    assert client.get(f"/api/v1/visitors?estate_id={place['estate']}", headers=technician).status_code == 200
