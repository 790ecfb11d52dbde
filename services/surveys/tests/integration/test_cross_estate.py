"""Another estate's rows are a 404 on every route of the surveys API, and a list never shows them: a
caller scoped to estate B names estate A's estate, building, questionnaire or wave and is told there is no
such thing, in English and Chinese. Every route under /api/ is listed here: a new one fails
``test_every_route_is_covered`` until it is."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from surveys import tables
from surveys.domain.questionnaires import DEFAULT_VERSION_ID

# method, path (with {estate}, {building}, {questionnaire}, {wave} of estate A), body
CASES = [
    ("GET", "/api/v1/households?estate_id={estate}", None),
    ("GET", "/api/v1/estates/{estate}/buildings", None),
    ("GET", "/api/v1/questionnaires?estate_id={estate}", None),
    ("POST", "/api/v1/questionnaires", {"estate_id": "{estate}", "purpose": "wave", "name_zh": "问卷", "name_en": "Q",
                                        "questions": [{"code": "a", "kind": "text",
                                                       "text": {"zh-CN": "问", "en": "Q"}}]}),
    ("POST", "/api/v1/questionnaires/default/copies", {"estate_id": "{estate}"}),
    ("GET", "/api/v1/questionnaires/{questionnaire}", None),
    ("PUT", "/api/v1/questionnaires/{questionnaire}", {"questions": [{"code": "a", "kind": "text",
                                                                      "text": {"zh-CN": "问", "en": "Q"}}]}),
    ("POST", "/api/v1/questionnaires/{questionnaire}/copies", {"estate_id": "{other}"}),
    ("POST", "/api/v1/questionnaires/{questionnaire}/publication", None),
    ("GET", "/api/v1/waves?estate_id={estate}", None),
    ("POST", "/api/v1/waves", {"estate_id": "{estate}", "period": "2027-Q1"}),
    ("GET", "/api/v1/waves/{wave}", None),
    ("GET", "/api/v1/waves/{wave}/sample", None),
    ("GET", "/api/v1/waves/{wave}/invitations", None),
    ("POST", "/api/v1/waves/{wave}/reminders", None),
    ("GET", "/api/v1/waves/{wave}/statistics", None),
    ("GET", "/api/v1/waves/latest/statistics?estate_id={estate}", None),
    ("GET", "/api/v1/answers?person_id={person}", None),
    ("POST", "/api/v1/answers", {"wave_id": "{wave}", "channel": "paper", "items": {}}),
    ("POST", "/api/v1/answers", {"wave_id": "{other_wave}", "unit_id": "{unit}", "channel": "paper", "items": {}}),
    ("POST", "/api/v1/waves/{wave}/bulletin", {"author": "x", "summary": "y"}),
    ("GET", "/api/v1/waves/{wave}/bulletin", None),
    ("GET", "/api/v1/forums?estate_id={estate}", None),
    ("POST", "/api/v1/forums", {"estate_id": "{estate}", "title": "x", "held_on": "2026-12-20", "invite": 1}),
    ("GET", "/api/v1/forums/{forum}", None),
    ("POST", "/api/v1/forums/{forum}/attendance", {"unit_ids": ["{unit}"]}),
    ("POST", "/api/v1/forums/{forum}/suggestions", {"description": "x", "responsible_id": "{staff}",
                                                    "due_on": "2099-01-01"}),
    ("GET", "/api/v1/actions?forum_id={forum}", None),
    ("GET", "/api/v1/follow-ups?estate_id={estate}", None),
    ("GET", "/api/v1/follow-ups/at-a-glance?estate_id={estate}", None),
    ("GET", "/api/v1/at-a-glance?estate_id={estate}", None),
    ("GET", "/api/v1/follow-ups?wave_id={wave}", None),
    ("POST", "/api/v1/follow-ups", {"answer_id": "{answer}", "note": "x"}),
    ("GET", "/api/v1/follow-ups/{follow_up}", None),
    ("POST", "/api/v1/follow-ups/{follow_up}/visit", {"owner_said": "x"}),
    ("GET", "/api/v1/follow-up-thresholds?estate_id={estate}", None),
    ("PUT", "/api/v1/follow-up-thresholds", {"estate_id": "{estate}", "thresholds": {"*": 1}}),
    ("GET", "/api/v1/actions?estate_id={estate}", None),
    ("GET", "/api/v1/actions?follow_up_id={follow_up}", None),
    ("POST", "/api/v1/actions", {"follow_up_id": "{follow_up}", "description": "x", "responsible_id": "{staff}",
                                 "due_on": "2099-01-01"}),
    ("GET", "/api/v1/actions/{action}", None),
    ("POST", "/api/v1/actions/{action}/done", {}),
    ("POST", "/api/v1/actions/{action}/verification", {}),
    ("POST", "/api/v1/actions/{action}/reopening", {}),
]
# Routes that name no estate's row: the built-in questionnaire; the personal links, where the token
# is the credential whoever calls (test_answers_api.py); the operator's wave schedule.
OPEN = {("GET", "/api/v1/questionnaires/default"), ("GET", "/api/v1/answers/<token>"),
        ("PUT", "/api/v1/answers/<token>"), ("POST", "/api/v1/answers/<token>/submission"),
        # The operator's one wave schedule: no estate's row; only a caller who sees every estate may
        # set it (test_wave_timer.py).
        ("GET", "/api/v1/wave-schedule"), ("PUT", "/api/v1/wave-schedule")}


def _rule_of(path: str) -> str:
    return (path.split("?")[0].replace("{estate}", "<estate_id>").replace("{questionnaire}", "<questionnaire_id>")
            .replace("{wave}", "<wave_id>").replace("{other_wave}", "<wave_id>")
            .replace("{follow_up}", "<follow_up_id>").replace("{action}", "<action_id>")
            .replace("{forum}", "<forum_id>"))


def test_every_route_is_covered(app) -> None:
    routes = {(method, str(rule).replace("<uuid:", "<")) for rule in app.url_map.iter_rules()
              if str(rule).startswith("/api/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(method, _rule_of(path)) for method, path, _ in CASES} | OPEN
    assert routes == covered


def _fill(value, names: dict[str, str]):  # noqa: ANN001, ANN202
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


def _follow_up_and_action(db, estate, wave_id: str) -> tuple[uuid.UUID, ...]:  # noqa: ANN001
    """An answer of estate A's wave with a visited follow-up and an open action (as the use cases leave them)."""
    answer, follow_up, action, forum = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    at = datetime.now(UTC)
    with db.begin() as conn:
        conn.execute(insert(tables.answers).values(
            id=answer, estate_id=estate.id, wave_id=uuid.UUID(wave_id), unit_id=estate.units[0],
            building_id=estate.buildings[0], questionnaire_version_id=DEFAULT_VERSION_ID, channel="paper",
            items={}, state="submitted", started_at=at, submitted_at=at))
        conn.execute(insert(tables.follow_ups).values(
            id=follow_up, estate_id=estate.id, answer_id=answer, reasons=[{"kind": "staff", "note": "x"}],
            state="visited", owner_said="x", opened_by="test", opened_at=at, version=1))
        conn.execute(insert(tables.actions).values(
            id=action, estate_id=estate.id, follow_up_id=follow_up, description="x", responsible_id=estate.staff,
            due_on=date(2099, 1, 1), due_at=at + timedelta(days=1), state="open", created_by="test", created_at=at,
            version=1))
        conn.execute(insert(tables.forums).values(id=forum, estate_id=estate.id, title="x", held_on=date(2026, 12, 20),
                                                  created_by="test", created_at=at))
    return answer, follow_up, action, forum


@pytest.mark.parametrize(("method", "path", "body"), CASES)
def test_another_estates_row_is_no_such_row(client, auth, db, estate, other_estate, method, path, body) -> None:
    made = client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(estate.id)},
                       headers=auth("estate_manager", [str(estate.id)]))
    wave = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4"},
                       headers=auth("estate_manager", [str(estate.id)]))
    theirs = client.post("/api/v1/waves", json={"estate_id": str(other_estate.id), "period": "2026-Q4"},
                         headers=auth("estate_manager", [str(other_estate.id)]))
    names = {"estate": str(estate.id), "building": str(estate.buildings[0]), "questionnaire": made.json["id"],
             "wave": wave.json["id"], "other": str(other_estate.id), "other_wave": theirs.json["id"],
             "unit": str(estate.units[0]), "staff": str(estate.staff), "person": str(estate.people[0])}
    answer, follow_up, action, forum = _follow_up_and_action(db, estate, wave.json["id"])
    names.update(answer=str(answer), follow_up=str(follow_up), action=str(action), forum=str(forum))
    stranger = {**auth("operator_admin", [str(other_estate.id)]), "Accept-Language": "zh-CN"}
    answer = client.open(_fill(path, names), method=method, json=_fill(body, names), headers=stranger)
    assert answer.status_code == 404, (method, path, answer.json)
    assert answer.json["detail"].startswith("没有此")
