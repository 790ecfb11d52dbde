"""What a ticket's page in the staff console (issue 24) reads from the tickets API: whom dispatch
would give a ticket to and why before the desk dispatches it (the same choice the dispatch makes),
each target's warning time and clock in the stage report (to count down in the browser), and a
technician's reads limited to the tickets assigned to them (another's is 404, as another estate's)."""

from __future__ import annotations

import uuid

from sqlalchemy import insert

from tickets.tables import territories


def hold_ground(db, place, key: str) -> None:  # noqa: ANN001
    with db.begin() as conn:
        conn.execute(insert(territories).values(
            id=uuid.uuid4(), estate_id=uuid.UUID(place["estate"]), staff_id=uuid.UUID(place[key]),
            building_id=uuid.UUID(place["building"]), released=False, version=1))


def _repair(place) -> dict:  # noqa: ANN001
    return {"estate_id": place["estate"], "unit_id": place["unit"], "person_id": place["person"], "kind": "repair",
            "category": "plumbing", "title": "厨房水管漏水"}


def test_the_suggestion_names_whom_dispatch_then_chooses_and_why(client, auth, db, place, desk) -> None:
    hold_ground(db, place, "technician")
    hold_ground(db, place, "technician2")
    busy = client.post("/api/v1/tickets", json=_repair(place), headers=desk).json
    client.post(f"/api/v1/tickets/{busy['id']}/acknowledge", json={}, headers=desk)
    client.post(f"/api/v1/tickets/{busy['id']}/dispatch", json={"staff_id": place["technician"]}, headers=desk)
    ticket = client.post("/api/v1/tickets", json=_repair(place), headers=desk).json
    client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", json={}, headers=desk)

    answer = client.get(f"/api/v1/dispatch/suggestions/{ticket['id']}", headers=desk)
    assert answer.status_code == 200, answer.json
    suggestion = answer.json
    assert suggestion["skill"] == "plumbing" and suggestion["skill_from"] == "ticket"  # the category's, copied
    assert suggestion["suggested"]["staff_id"] == place["technician2"]  # the same ground, the lighter load
    assert suggestion["suggested"]["reason"]["coverage"] == "building"
    assert "technician2 张" in suggestion["suggested"]["reason"]["text_zh"]
    assert [c["staff_id"] for c in suggestion["candidates"]] == [place["technician2"], place["technician"]]
    assert suggestion["candidates"][1]["load"] == 1 and suggestion["candidates"][0]["has_skill"] is True

    dispatched = client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={}, headers=desk).json
    assert dispatched["assignee_id"] == suggestion["suggested"]["staff_id"]
    # Once assigned, the suggestion is for a reassignment: the present assignee is passed over.
    again = client.get(f"/api/v1/dispatch/suggestions/{ticket['id']}", headers=desk).json
    assert again["suggested"]["staff_id"] == place["technician"]
    assert place["technician2"] not in [c["staff_id"] for c in again["candidates"]]


def test_another_estates_desk_and_a_technician_get_no_suggestion(client, auth, place, desk, other_place) -> None:
    ticket = client.post("/api/v1/tickets", json=_repair(place), headers=desk).json
    assert client.get(f"/api/v1/dispatch/suggestions/{ticket['id']}", headers=desk).status_code == 200
    other_desk = auth("service_desk_agent", [other_place["estate"]])
    assert client.get(f"/api/v1/dispatch/suggestions/{ticket['id']}", headers=other_desk).status_code == 404
    technician = auth("technician", [place["estate"]], subject=place["technician"])
    assert client.get(f"/api/v1/dispatch/suggestions/{ticket['id']}", headers=technician).status_code == 403


def test_the_report_gives_each_targets_warning_time_and_clock(client, place, desk, complaint) -> None:
    ticket = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    targets = client.get(f"/api/v1/tickets/{ticket['id']}/report", headers=desk).json["targets"]
    acknowledge = next(t for t in targets if t["target"] == "acknowledge")
    assert acknowledge["warn_at"] is not None and acknowledge["warn_at"] < acknowledge["due_at"]
    assert acknowledge["business_hours"] is False  # complaints run on the clock (24x7)


def test_a_technician_reads_only_the_tickets_assigned_to_them(client, auth, place, desk) -> None:
    mine = client.post("/api/v1/tickets", json=_repair(place), headers=desk).json
    theirs = client.post("/api/v1/tickets", json=_repair(place), headers=desk).json
    for ticket, who in ((mine, "technician"), (theirs, "technician2")):
        client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", json={}, headers=desk)
        client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={"staff_id": place[who]}, headers=desk)
    technician = auth("technician", [place["estate"]], subject=place["technician"])
    for path in ("", "/timeline", "/report", "/attachments"):
        assert client.get(f"/api/v1/tickets/{mine['id']}{path}", headers=technician).status_code == 200
        assert client.get(f"/api/v1/tickets/{theirs['id']}{path}", headers=technician).status_code == 404, path
    assert client.get(f"/api/v1/tickets/{theirs['id']}", headers=desk).status_code == 200
