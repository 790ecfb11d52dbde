"""Another estate's rows are a 404 on every route of the surveys API, and a list never shows them: a
caller scoped to estate B names estate A's estate, building, questionnaire or wave and is told there is no
such thing, in English and Chinese. Every route under /api/ is listed here: a new one fails
``test_every_route_is_covered`` until it is."""

from __future__ import annotations

import pytest

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
    ("GET", "/api/v1/answers?person_id={person}", None),
    ("POST", "/api/v1/answers", {"wave_id": "{wave}", "channel": "paper", "items": {}}),
    ("POST", "/api/v1/answers", {"wave_id": "{other_wave}", "unit_id": "{unit}", "channel": "paper", "items": {}}),
]
# Routes that name no estate's row: the built-in questionnaire; the personal links, where the token
# is the credential whoever calls (test_answers_api.py).
OPEN = {("GET", "/api/v1/questionnaires/default"), ("GET", "/api/v1/answers/<token>"),
        ("PUT", "/api/v1/answers/<token>"), ("POST", "/api/v1/answers/<token>/submission")}


def _rule_of(path: str) -> str:
    return (path.split("?")[0].replace("{estate}", "<estate_id>").replace("{questionnaire}", "<questionnaire_id>")
            .replace("{wave}", "<wave_id>").replace("{other_wave}", "<wave_id>"))


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


@pytest.mark.parametrize(("method", "path", "body"), CASES)
def test_another_estates_row_is_no_such_row(client, auth, estate, other_estate, method, path, body) -> None:
    made = client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(estate.id)},
                       headers=auth("estate_manager", [str(estate.id)]))
    wave = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4"},
                       headers=auth("estate_manager", [str(estate.id)]))
    theirs = client.post("/api/v1/waves", json={"estate_id": str(other_estate.id), "period": "2026-Q4"},
                         headers=auth("estate_manager", [str(other_estate.id)]))
    names = {"estate": str(estate.id), "building": str(estate.buildings[0]), "questionnaire": made.json["id"],
             "wave": wave.json["id"], "other": str(other_estate.id), "other_wave": theirs.json["id"],
             "unit": str(estate.units[0]), "person": str(estate.people[0])}
    stranger = {**auth("operator_admin", [str(other_estate.id)]), "Accept-Language": "zh-CN"}
    answer = client.open(_fill(path, names), method=method, json=_fill(body, names), headers=stranger)
    assert answer.status_code == 404, (method, path, answer.json)
    assert answer.json["detail"].startswith("没有此")
