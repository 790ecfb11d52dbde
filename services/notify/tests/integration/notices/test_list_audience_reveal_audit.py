"""A notice's list audience shown whole to a caller with pii:reveal is audited (servicekit.audit):
one row per notice answered, none for a masked answer or a notice with no list."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from notify.tables import pii_reveals

LIST = {"list": [{"name": "王芳", "mobile": "13800000001", "variables": {"amount": "320.00"}}]}


def _audit(db) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(select(pii_reveals)).mappings()]


def test_a_list_audience_shown_whole_is_audited(client, auth, db, world) -> None:
    data = {"estate_id": str(world.estate_id), "template_id": str(world.template()), "title": "欠费提醒",
            "audience": LIST, "variables": {"due_date": "3月31日"}, "channels": ["sms"]}
    made = client.post("/api/v1/notices", json=data, headers=auth("integration_client", [world.estate_id])).json
    client.get(f"/api/v1/notices/{made['id']}", headers=auth("estate_manager", [world.estate_id]))
    assert _audit(db) == []
    revealer = auth("estate_manager", [world.estate_id], ["pii:reveal"], subject="manager-1")
    shown = client.get(f"/api/v1/notices/{made['id']}", headers=revealer).json
    assert shown["audience"]["list"][0]["mobile"] == "13800000001"
    [row] = _audit(db)
    assert (row["subject"], row["what"], row["estate_id"], row["record_id"], row["why"]) == (
        "manager-1", "notice.audience", world.estate_id, uuid.UUID(made["id"]), "GET /api/v1/notices/<uuid:notice_id>")
    client.get(f"/api/v1/notices?estate_id={world.estate_id}", headers=revealer)
    assert [r["why"] for r in _audit(db)].count("GET /api/v1/notices") == 1
