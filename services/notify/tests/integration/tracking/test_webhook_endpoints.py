"""Webhook endpoints: create (the whsec_ secret shown once), list and get with the failure state,
re-enable, rotate, change, delete; validation and scope."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from notify.tables import webhook_endpoints

URL = "/api/v1/webhook-endpoints"


def test_endpoint_lifecycle(client, auth, world, db) -> None:
    a = world.estate()
    manager = auth("estate_manager", [a])
    created = client.post(URL, json={"estate_id": str(a), "name": "收费系统", "url": "https://billing.local/hooks"},
                          headers=manager)
    assert created.status_code == 201, created.json
    secret, id_ = created.json["secret"], created.json["id"]
    assert secret.startswith("whsec_") and len(secret) > 40
    shown = client.get(f"{URL}/{id_}", headers=manager).json
    assert "secret" not in shown and shown["consecutive_failures"] == 0 and shown["active"] is True
    listed = client.get(URL, headers=manager).json
    assert [e["id"] for e in listed["items"]] == [id_] and "secret" not in listed["items"][0]

    failing = datetime(2026, 12, 1, 1, tzinfo=UTC)
    with db.begin() as conn:  # what the sender records when the endpoint keeps failing
        conn.execute(update(webhook_endpoints).values(consecutive_failures=20, failing_since=failing,
                                                      last_error="HTTP 503", disabled_at=failing, active=False))
    down = client.get(f"{URL}/{id_}", headers=manager).json
    assert (down["consecutive_failures"], down["last_error"], down["active"]) == (20, "HTTP 503", False)
    assert down["disabled_at"].startswith("2026-12-01T01:00")
    enabled = client.post(f"{URL}/{id_}/enable", headers=manager).json
    assert (enabled["consecutive_failures"], enabled["failing_since"], enabled["disabled_at"], enabled["active"]) == (
        0, None, None, True)

    rotated = client.post(f"{URL}/{id_}/rotate-secret", headers=manager).json
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != secret
    with db.connect() as conn:
        assert conn.execute(select(webhook_endpoints.c.secret)).scalar_one() == rotated["secret"]
    renamed = client.patch(f"{URL}/{id_}", json={"name": "收费系统2"}, headers=manager)
    assert renamed.status_code == 200 and renamed.json["name"] == "收费系统2"
    assert client.delete(f"{URL}/{id_}", headers=manager).status_code == 204
    assert client.get(f"{URL}/{id_}", headers=manager).status_code == 404


def test_endpoint_validation_and_scope(client, auth, world) -> None:
    a, b = world.estate(), world.estate("月亮湾")
    manager = auth("estate_manager", [a])
    for url in ("not a url", "ftp://billing.local/x", "javascript:alert(1)"):
        bad = client.post(URL, json={"estate_id": str(a), "name": "x", "url": url}, headers=manager)
        assert bad.status_code == 422, url
    assert client.post(URL, json={"estate_id": str(a), "url": "https://x.local"}, headers=manager).status_code == 422
    assert client.post(URL, json={"name": "x", "url": "https://x.local"}, headers=manager).status_code == 422
    assert client.post(URL, json={"estate_id": str(b), "name": "x", "url": "https://x.local"},
                       headers=manager).status_code == 404
    desk = auth("service_desk_agent", [a])
    assert client.post(URL, json={"estate_id": str(a), "name": "x", "url": "https://x.local"},
                       headers=desk).status_code == 403
    operator_wide = client.post(URL, json={"name": "数据仓库", "url": "http://dw:8080/in"}, headers=auth())
    assert operator_wide.status_code == 201
    assert client.get(f"{URL}/{operator_wide.json['id']}", headers=manager).status_code == 404
    assert client.get(URL, headers=manager).json["items"] == []
    assert len(client.get(URL, headers=auth()).json["items"]) == 1
