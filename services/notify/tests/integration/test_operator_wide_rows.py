"""An estate-scoped caller cannot act operator-wide: a template, a rule or a webhook endpoint of no
estate applies in every estate (an operator-wide rule on a tickets event reached another estate's
residents), so only a token for every estate may add one; an operator admin scoped to one estate gets
the same 422 on every such route and nothing is written."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from notify.rules.defaults import BUILT_IN_TEMPLATES
from notify.tables import rules, templates, webhook_endpoints

TEXTS = {"zh-CN": {"subject": "活动", "body": "${name}您好，社区活动"},
         "en": {"subject": "Event", "body": "Dear ${name}, a community event"}}
ROUTES = [
    ("/api/v1/templates", {"code": "event", "purpose": "activity", "texts": TEXTS}, templates),
    ("/api/v1/rules", {"event_type": "tickets.ticket.opened.v1", "audience": "reporter", "channels": ["in_app"],
                       "template_id": str(BUILT_IN_TEMPLATES["ticket_acknowledged"].id)}, rules),
    ("/api/v1/webhook-endpoints", {"name": "数据仓库", "url": "https://dw.example.com/in"}, webhook_endpoints),
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
