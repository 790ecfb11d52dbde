"""Questionnaires over HTTP (SRV-2): the built-in nine-element default, copied into an estate's own,
edited as a draft, published (an event); a published version never changes, an edit after it makes
the next draft; wrong questions are a 422 that stores nothing."""

from __future__ import annotations

import json

from sqlalchemy import select

from servicekit.testing import check_operator_wide_needs_every_estate, count_rows
from surveys.domain.questionnaires import DEFAULT_ID, ELEMENT_CODES
from surveys.tables import outbox, questionnaire_versions, questionnaires

QUESTION = {"code": "parking", "kind": "choice", "text": {"zh-CN": "停车是否方便？", "en": "Is parking easy?"},
            "options": [{"code": "yes", "text": {"zh-CN": "是", "en": "yes"}},
                        {"code": "no", "text": {"zh-CN": "否", "en": "no"}}]}


def _copy_default(client, manager, estate) -> dict:  # noqa: ANN001
    made = client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(estate.id)}, headers=manager)
    assert made.status_code == 201, made.json
    return made.json


def test_the_default_asks_the_nine_elements_in_chinese_and_english(client, auth) -> None:
    answer = client.get("/api/v1/questionnaires/default", headers=auth("technician", ["any"]))
    assert answer.status_code == 200
    body = answer.json
    assert body["id"] == str(DEFAULT_ID) and body["built_in"] is True
    questions = body["versions"][0]["questions"]
    assert [q.get("element") for q in questions[:9]] == list(ELEMENT_CODES)
    assert "热情" in questions[0]["text"]["zh-CN"] and questions[0]["text"]["en"]


def test_a_copy_is_a_draft_that_is_edited_then_published_once(client, manager, estate, db) -> None:
    made = _copy_default(client, manager, estate)
    assert made["copied_from"] == str(DEFAULT_ID) and made["name_zh"].endswith("（副本）")
    assert [v["published_at"] for v in made["versions"]] == [None]
    questions = made["versions"][0]["questions"] + [QUESTION]
    edited = client.put(f"/api/v1/questionnaires/{made['id']}", json={"questions": questions}, headers=manager)
    assert edited.status_code == 200, edited.json
    assert len(edited.json["versions"]) == 1 and edited.json["versions"][0]["questions"][-1]["code"] == "parking"

    published = client.post(f"/api/v1/questionnaires/{made['id']}/publication", headers=manager)
    assert published.status_code == 200 and published.json["versions"][0]["published_at"]
    again = client.post(f"/api/v1/questionnaires/{made['id']}/publication",
                        headers={**manager, "Accept-Language": "zh-CN"})
    assert again.status_code == 409 and "已发布" in again.json["detail"]
    with db.connect() as conn:
        events = [json.loads(r.body) for r in conn.execute(select(outbox.table))]
    assert [e["type"] for e in events] == ["surveys.questionnaire.published.v1"]
    assert events[0]["data"]["number"] == 1 and len(events[0]["data"]["questions"]) == 12


def test_editing_a_published_questionnaire_makes_the_next_draft_and_leaves_the_published_one(
        client, manager, estate) -> None:
    made = _copy_default(client, manager, estate)
    client.post(f"/api/v1/questionnaires/{made['id']}/publication", headers=manager)
    first = client.get(f"/api/v1/questionnaires/{made['id']}", headers=manager).json["versions"][0]
    edited = client.put(f"/api/v1/questionnaires/{made['id']}", json={"questions": [QUESTION], "name_en": "Parking"},
                        headers=manager)
    assert edited.status_code == 200
    versions = edited.json["versions"]
    assert [v["number"] for v in versions] == [1, 2] and versions[0] == first
    assert versions[1]["published_at"] is None and edited.json["name_en"] == "Parking"


def test_wrong_questions_are_named_and_nothing_is_stored(client, manager, estate, db) -> None:
    made = _copy_default(client, manager, estate)
    wrong = [QUESTION, {**QUESTION, "options": QUESTION["options"][:1]}]
    for body in ({"questions": wrong}, {"questions": [{**QUESTION, "kind": "scale", "min": 4, "max": 2}]}):
        answer = client.put(f"/api/v1/questionnaires/{made['id']}", json=body, headers=manager)
        assert answer.status_code == 422, answer.json
    assert "1" in answer.json["errors"]["questions"] or "0" in answer.json["errors"]["questions"]
    created = client.post("/api/v1/questionnaires", json={
        "estate_id": str(estate.id), "purpose": "wave", "name_zh": "问卷", "name_en": "Q",
        "questions": [QUESTION, QUESTION]}, headers=manager)
    assert created.status_code == 422 and created.json["errors"]["questions"]["1"] == ["code: 'parking' is used twice"]
    assert count_rows(db, questionnaires) == 1 and count_rows(db, questionnaire_versions) == 1


def test_a_retried_creation_with_its_idempotency_key_makes_one_questionnaire(client, manager, estate, db) -> None:
    body = {"estate_id": str(estate.id), "purpose": "ticket", "name_zh": "工单回访", "name_en": "After a ticket",
            "questions": [QUESTION]}
    keyed = {**manager, "Idempotency-Key": "q-1"}
    first, second = (client.post("/api/v1/questionnaires", json=body, headers=keyed) for _ in range(2))
    assert first.status_code == second.status_code == 201 and first.json["id"] == second.json["id"]
    assert count_rows(db, questionnaires) == 1


def test_a_questionnaire_for_every_estate_needs_a_caller_who_sees_every_estate(client, auth, db) -> None:
    body = {"purpose": "wave", "name_zh": "全公司问卷", "name_en": "Company-wide", "questions": [QUESTION]}
    check_operator_wide_needs_every_estate(client, auth, db, "/api/v1/questionnaires", body, questionnaires,
                                           "estate_manager")


def test_the_list_shows_the_operators_and_the_callers_estates_own(client, auth, manager, estate, other_estate) -> None:
    _copy_default(client, manager, estate)
    client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(other_estate.id)},
                headers=auth("estate_manager", [str(other_estate.id)]))
    client.post("/api/v1/questionnaires/default/copies", json={}, headers=auth())
    seen = client.get("/api/v1/questionnaires", headers=manager).json["items"]
    assert sorted(str(q["estate_id"]) for q in seen) == sorted([str(estate.id), "None"])
