"""An estate-scoped caller cannot act operator-wide: a row of no estate (a category, an SLA policy, an
escalation rule) applies in every estate, so only a token for every estate may add one; an operator
admin scoped to one estate gets the same 422 on every such route and nothing is written."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from tickets.tables import categories, escalation_rules, sla_policies

ROUTES = [
    ("/api/v1/categories", {"kind": "inquiry", "code": "parking", "name_zh": "停车", "name_en": "Parking"},
     categories),
    ("/api/v1/sla/policies", {"resolve_minutes": 5}, sla_policies),
    ("/api/v1/sla/escalation-rules", {"trigger": "sla_breach", "level": 2, "action": "notify_supervisor"},
     escalation_rules),
]


def _count(engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize(("url", "body", "table"), ROUTES)
@pytest.mark.parametrize("role", ["operator_admin", "estate_manager"])
def test_a_scoped_caller_adding_a_row_for_every_estate_is_refused_alike(client, auth, db, url, body, table,
                                                                         role) -> None:
    scoped = auth(role, [str(uuid.uuid4())])
    for sent in (body, {**body, "estate_id": None}):
        answer = client.post(url, json=sent, headers=scoped)
        assert answer.status_code == 422, answer.json
        assert answer.json["errors"] == {"json": {"estate_id": ["is required"]}}
        assert "every estate" in answer.json["detail"]
    assert _count(db, table) == 0
    made = client.post(url, json=body, headers=auth())  # an operator admin of every estate
    assert made.status_code == 201, made.json
    assert made.json["estate_id"] is None


def test_the_refusal_is_one_answer_on_every_route(client, auth) -> None:
    scoped = auth("operator_admin", [str(uuid.uuid4())])
    answers = [client.post(url, json=body, headers=scoped).json for url, body, _ in ROUTES]
    assert len({(a["detail"], str(a["errors"])) for a in answers}) == 1
    zh = [client.post(url, json=body, headers={**scoped, "Accept-Language": "zh-CN"}).json["detail"]
          for url, body, _ in ROUTES]
    assert len(set(zh)) == 1 and "所有小区" in zh[0]
