"""Call scripts (电话服务内容草稿, TKT-9): versioned per estate (or the operator's) and kind/class; the
desk gets the latest version of the most specific one that fits the ticket it is entering; only
the operator writes one for every estate; another estate's scripts are 404."""

from __future__ import annotations

from typing import Any

import pytest


def script(client, headers, estate_id: Any = None, **changes: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/scripts", headers=headers, json={
        "estate_id": None if estate_id is None else str(estate_id), "name": "通用话术",
        "opening": "您好，物业客服中心，请问有什么可以帮您？", "questions": ["请问您的房号？", "请问您的联系电话？"],
        "apology": "非常抱歉给您带来不便。", "thanks": "感谢您的来电和对我们工作的支持。",
        "replies": [{"problem": "停水何时恢复", "reply": "预计今天18点前恢复供水。"}], **changes})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_the_desk_gets_the_most_specific_latest_script(client, auth, place, waiting_ticket) -> None:
    admin, manager = auth(), auth("estate_manager", [place["estate"]])
    desk = auth("service_desk_agent", [place["estate"]])
    everywhere = script(client, admin)
    complaints = script(client, admin, kind="complaint", name="投诉话术")
    ours = script(client, manager, place["estate"], kind="complaint", complaint_class="fees", name="收费投诉话术")
    newer = script(client, manager, place["estate"], kind="complaint", complaint_class="fees", name="收费投诉话术 v2",
                   apology="对收费给您造成的困扰，我们深表歉意。")
    assert (ours["version"], newer["version"], everywhere["version"]) == (1, 2, 1)

    def fits(**query: Any) -> dict[str, Any]:
        answer = client.get("/api/v1/scripts/fitting", headers=desk,
                            query_string={"estate_id": str(place["estate"]), **query})
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    assert fits(kind="complaint", complaint_class="fees")["id"] == newer["id"]
    assert fits(kind="complaint", complaint_class="facilities")["id"] == complaints["id"]
    assert fits(kind="repair")["id"] == everywhere["id"]
    assert fits(ticket_id=str(waiting_ticket["id"]))["id"] == everywhere["id"]  # a repair
    listed = client.get("/api/v1/scripts", headers=desk).get_json()["items"]
    assert {s["id"] for s in listed} == {everywhere["id"], complaints["id"], newer["id"]}
    every = client.get("/api/v1/scripts?every_version=true", headers=desk).get_json()["items"]
    assert ours["id"] in {s["id"] for s in every}


def test_no_script_fits_is_said_and_only_the_operator_writes_for_every_estate(client, auth, place) -> None:
    manager = auth("estate_manager", [place["estate"]])
    none = client.get("/api/v1/scripts/fitting", headers={**manager, "Accept-Language": "zh-CN"},
                      query_string={"estate_id": str(place["estate"]), "kind": "repair"})
    assert none.status_code == 404 and "电话话术" in none.get_json()["detail"]
    assert client.post("/api/v1/scripts", headers=manager, json={
        "name": "x", "opening": "您好"}).status_code == 422
    assert client.post("/api/v1/scripts", headers=manager, json={
        "estate_id": str(place["estate"]), "kind": "repair", "complaint_class": "fees", "name": "x",
        "opening": "您好"}).status_code == 422
    assert client.post("/api/v1/scripts", headers=auth("service_desk_agent", [place["estate"]]), json={
        "estate_id": str(place["estate"]), "name": "x", "opening": "您好"}).status_code == 403


def test_another_estates_scripts_are_not_found(client, auth, place, other_place, waiting_ticket) -> None:
    theirs = script(client, auth("estate_manager", [other_place["estate"]]), other_place["estate"], kind="repair")
    ours = auth("service_desk_agent", [place["estate"]])
    assert client.get(f"/api/v1/scripts/{theirs['id']}", headers=ours).status_code == 404
    assert client.get(f"/api/v1/scripts?estate_id={other_place['estate']}", headers=ours).status_code == 404
    assert client.get("/api/v1/scripts/fitting", headers=ours, query_string={
        "estate_id": str(other_place["estate"]), "kind": "repair"}).status_code == 404
    assert client.get("/api/v1/scripts", headers=ours).get_json()["items"] == []
    assert client.post("/api/v1/scripts", headers=auth("estate_manager", [place["estate"]]), json={
        "estate_id": str(other_place["estate"]), "name": "x", "opening": "您好"}).status_code == 404
    # The fitting script for our own ticket never comes from the other estate.
    assert client.get("/api/v1/scripts/fitting", headers=ours, query_string={
        "estate_id": str(place["estate"]), "ticket_id": str(waiting_ticket["id"])}).status_code == 404


@pytest.mark.postgres_only
def test_versions_written_at_once_each_get_their_own_number(auth, place, at_once) -> None:
    manager = auth("estate_manager", [place["estate"]])
    for kind, complaint_class in ((None, None), ("complaint", "fees")):  # nulls are one script too
        body = {"estate_id": str(place["estate"]), "kind": kind, "complaint_class": complaint_class,
                "name": "话术", "opening": "您好，物业客服中心"}
        answers = at_once("POST", "/api/v1/scripts", [(manager, {**body, "name": f"话术 {n}"}) for n in range(8)])
        assert [a.status_code for a in answers] == [201] * 8, [a.json() for a in answers]
        assert sorted(a.json()["version"] for a in answers) == list(range(1, 9))
