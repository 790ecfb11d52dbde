"""Owners' forums (SRV-6): households invited in turn (not invited before first), attendance of the
invited only, and suggestions tracked like rectification actions until verified."""

from __future__ import annotations

import uuid

from servicekit.testing import count_rows
from surveys.tables import forum_invitees


def test_forums_invite_in_turn_record_attendance_and_track_suggestions(client, auth, db, seeded) -> None:
    estate = seeded(buildings=2, units_each=3)  # six households
    manager = auth("estate_manager", [str(estate.id)])
    first = client.post("/api/v1/forums", json={"estate_id": str(estate.id), "title": "第三季度业户座谈会",
                                                "held_on": "2026-09-20", "invite": 4}, headers=manager)
    assert first.status_code == 201, first.json
    invited_first = {i["unit_id"] for i in first.json["invitees"]}
    second = client.post("/api/v1/forums", json={"estate_id": str(estate.id), "title": "第四季度业户座谈会",
                                                 "held_on": "2026-12-20", "invite": 4}, headers=manager).json
    invited_second = {i["unit_id"] for i in second["invitees"]}
    all_units = {str(u) for u in estate.units}
    assert all_units - invited_first <= invited_second  # the two never invited come first
    assert len(invited_second & invited_first) == 2

    stranger = client.post(f"/api/v1/forums/{second['id']}/attendance",
                           json={"unit_ids": [str(uuid.uuid4())]}, headers={**manager, "Accept-Language": "zh-CN"})
    assert stranger.status_code == 422 and "受邀" in stranger.json["detail"]
    came = sorted(invited_second)[:3]
    shown = client.post(f"/api/v1/forums/{second['id']}/attendance", json={"unit_ids": came}, headers=manager).json
    assert sorted(i["unit_id"] for i in shown["invitees"] if i["attended"]) == came
    assert count_rows(db, forum_invitees) == 8

    raised = client.post(f"/api/v1/forums/{second['id']}/suggestions", headers=manager,
                         json={"description": "增设电动车充电桩", "responsible_id": str(estate.staff),
                               "due_on": "2099-03-31"})
    assert raised.status_code == 201 and raised.json["forum_id"] == second["id"] and raised.json["state"] == "open"
    action = raised.json["id"]
    assert client.post(f"/api/v1/actions/{action}/done", json={}, headers=manager).status_code == 200
    assert client.post(f"/api/v1/actions/{action}/verification", json={}, headers=manager).json["state"] == "verified"
    forum = client.get(f"/api/v1/forums/{second['id']}", headers=manager).json
    assert [(s["description"], s["state"]) for s in forum["suggestions"]] == [("增设电动车充电桩", "verified")]
    listed = client.get(f"/api/v1/actions?forum_id={second['id']}", headers=manager).json
    assert [a["id"] for a in listed["items"]] == [action]
