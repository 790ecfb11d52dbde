"""Quick entry (TKT-1, TKT-2) through the API: references checked against the copy, class and
aspect rules, likely duplicates, idempotency keys, masked phones; bad input changes nothing."""

from __future__ import annotations

import threading
import uuid

import pytest

from servicekit.auth import Principal
from servicekit.idempotency import KeyedRequest
from servicekit.unit_of_work import UnitOfWork
from tickets.service import SERVICE
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases.entry import open_ticket


def test_a_complaint_is_opened_with_its_number_event_and_timeline(client, auth, place, complaint, recorded) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    answer = client.post("/api/v1/tickets", json=complaint(), headers=desk)
    assert answer.status_code == 201, answer.json
    ticket = answer.json
    assert ticket["number"].startswith("T") and len(ticket["number"]) == 13
    assert ticket["stage"] == "received" and ticket["priority"] == "normal" and ticket["version"] == 1
    assert ticket["contact_name"] == "李伟" and ticket["contact_phone"] == "138****5678"
    assert ticket["building_id"] == place["building"] and ticket["possible_duplicates"] == []
    assert ticket["allowed_actions"] == ["acknowledge", "merge", "cancel", "pause"]
    [event] = recorded()
    assert event["type"] == "tickets.ticket.opened.v1" and event["data"]["ticket"]["ticket_id"] == ticket["id"]
    assert "contact_phone" not in event["data"]["ticket"]
    step, reported = client.get(f"/api/v1/tickets/{ticket['id']}/timeline", headers=desk).json
    assert (step["action"], step["stage_to"], step["actor"]) == ("opened", "received", "test-service_desk_agent")
    # Every complaint is reported to the supervisor at once (TKT-5), by the SLA rules.
    assert (reported["action"], reported["actor"], reported["details"]["trigger"]) == ("escalation", "sla", "complaint")


def test_a_likely_duplicate_is_pointed_out(client, auth, place, complaint) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    first = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    second = client.post("/api/v1/tickets", json=complaint(title="又是保安"), headers=desk).json
    assert [d["id"] for d in second["possible_duplicates"]] == [first["id"]]
    other_unit = client.post("/api/v1/tickets", json=complaint(unit_id=place["unit2"]), headers=desk).json
    assert other_unit["possible_duplicates"] == []
    other_class = client.post("/api/v1/tickets", json=complaint(complaint_class="fees", quality_aspect=None),
                              headers=desk).json
    assert other_class["possible_duplicates"] == []


def test_emergencies_are_urgent_and_the_full_phone_needs_pii_reveal(client, auth, place, complaint) -> None:
    revealing = auth("service_desk_agent", [place["estate"]], perms=["pii:reveal"])
    ticket = client.post("/api/v1/tickets", json=complaint(complaint_class="emergency", quality_aspect=None,
                                                           title="电梯困人"), headers=revealing).json
    assert ticket["priority"] == "urgent" and ticket["contact_phone"] == "13812345678"
    client.post(f"/api/v1/tickets/{ticket['id']}/acknowledge", json={}, headers=revealing)
    client.post(f"/api/v1/tickets/{ticket['id']}/dispatch", json={"staff_id": place["technician"]}, headers=revealing)
    handler = auth("technician", [place["estate"]], subject=place["technician"])  # reads their own ticket
    masked = client.get(f"/api/v1/tickets/{ticket['id']}", headers=handler).json
    assert masked["contact_phone"] == "138****5678"


def test_a_repair_names_a_category_of_the_operator_or_the_estate(client, auth, place) -> None:
    desk = auth("service_desk_agent", [place["estate"]])
    body = {"estate_id": place["estate"], "unit_id": place["unit"], "kind": "repair", "title": "厨房漏水",
            "category": "plumbing"}
    answer = client.post("/api/v1/tickets", json=body, headers=desk)
    assert answer.status_code == 201 and answer.json["skill"] == "plumbing"
    assert client.post("/api/v1/tickets", json={**body, "category": "roofing"}, headers=desk).json["errors"] == {
        "category": ["no such repair category in this estate"]}


@pytest.mark.parametrize(("changes", "field"), [
    ({"unit_id": "00000000-0000-4000-8000-000000000000"}, "unit_id"),
    ({"person_id": "00000000-0000-4000-8000-000000000000"}, "person_id"),
    ({"quality_aspect": None}, "quality_aspect"),
    ({"complaint_class": "fees"}, "quality_aspect"),
    ({"complaint_class": None, "quality_aspect": None}, "complaint_class"),
    ({"kind": "inquiry"}, "complaint_class"),
    ({"kind": "repair", "complaint_class": None, "quality_aspect": None}, "category"),
    ({"unit_id": None}, "unit_id"),
    ({"common_area": "1号电梯"}, "unit_id"),
])
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(client, auth, db, place, complaint,
                                                                 changes, field, recorded, ticket_count) -> None:
    answer = client.post("/api/v1/tickets", json=complaint(**changes),
                         headers=auth("service_desk_agent", [place["estate"]]))
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]
    assert ticket_count() == 0 and recorded() == []


@pytest.mark.parametrize("changes", [{"major": 1}, {"kind": "complaint_x"}, {"title": ""}, {"priority": "asap"},
                                     {"unit_id": "not-a-uuid"}, {"title": "x" * 201}])
def test_input_outside_the_schema_is_a_422_and_changes_nothing(client, auth, place, complaint, changes,
                                                               ticket_count) -> None:
    answer = client.post("/api/v1/tickets", json=complaint(**changes),
                         headers=auth("service_desk_agent", [place["estate"]]))
    assert answer.status_code == 422 and set(answer.json["errors"]["json"]) == set(changes)
    assert ticket_count() == 0


def test_an_estate_missing_from_the_copy_is_a_422_and_another_callers_estate_a_404(client, auth, place, complaint,
                                                                                   ticket_count) -> None:
    missing = "00000000-0000-4000-8000-000000000001"
    answer = client.post("/api/v1/tickets", json=complaint(estate_id=missing), headers=auth())
    assert answer.status_code == 422 and "estate_id" in answer.json["errors"]
    answer = client.post("/api/v1/tickets", json=complaint(), headers=auth("service_desk_agent", [missing]))
    assert answer.status_code == 404
    assert client.post("/api/v1/tickets", json=complaint(),
                       headers=auth("owner", [place["estate"]])).status_code == 403
    assert ticket_count() == 0


def test_a_common_area_ticket_needs_no_unit(client, auth, place) -> None:
    body = {"estate_id": place["estate"], "common_area": "1栋电梯", "building_id": place["building"],
            "kind": "suggestion", "title": "电梯加装空调"}
    answer = client.post("/api/v1/tickets", json=body, headers=auth("service_desk_agent", [place["estate"]]))
    assert answer.status_code == 201 and answer.json["unit_id"] is None and answer.json["contact_phone"] is None


def test_an_idempotency_key_answers_the_first_ticket_again(client, auth, place, complaint, recorded,
                                                          ticket_count) -> None:
    system = {**auth("integration_client", [place["estate"]]), "Idempotency-Key": "crm-42"}
    first = client.post("/api/v1/tickets", json=complaint(), headers=system)
    again = client.post("/api/v1/tickets", json=complaint(), headers=system)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and ticket_count() == 1 and len(recorded()) == 1
    different = client.post("/api/v1/tickets", json=complaint(title="另一件事"), headers=system)
    assert different.status_code == 422 and "Idempotency-Key" in different.json["errors"]
    other_client = {**auth("integration_client", [place["estate"]], subject="another-system"),
                    "Idempotency-Key": "crm-42"}
    assert client.post("/api/v1/tickets", json=complaint(), headers=other_client).status_code == 201
    assert ticket_count() == 2


@pytest.mark.postgres_only
def test_concurrent_calls_with_one_key_make_one_ticket(db, place, complaint, recorded, ticket_count) -> None:
    entry = {**complaint(), "estate_id": place["estate"]}
    entry = {k: (uuid.UUID(v) if k.endswith("_id") and v else v) for k, v in entry.items()}
    results, barrier = [], threading.Barrier(8)

    def call() -> None:
        barrier.wait()
        key = KeyedRequest.of(Principal("crm", "integration_client", None), "POST /tickets", "same", entry)
        results.append(open_ticket(UnitOfWork(db.connect, SERVICE.outbox, SERVICE.source), Actor("crm", "system"),
                                   entry, key=key))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len({r["ticket"]["id"] for r in results}) == 1
    assert sum(r["created"] for r in results) == 1
    assert ticket_count() == 1 and len(recorded()) == 1
