"""Issue 16: a webhook endpoint to an internal address or with credentials in its URL is refused when
written (created or moved), unless the operator allows the host (NOTIFY_WEBHOOK_ALLOWED_HOSTS)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from notify.service import SERVICE
from notify.tables import webhook_endpoints
from servicekit.auth import TokenVerifier
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER
from servicekit.webapp import create_service_app

URL = "/api/v1/webhook-endpoints"
INTERNAL = ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8093/", "http://2130706433/",
            "http://[::ffff:127.0.0.1]/", "http://localhost/", "http://10.0.0.5/hooks",
            "https://billing:hunter2@billing.example.com/hooks"]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_or_credentialed_urls_are_422(client, auth, world, db, url) -> None:
    a = world.estate()
    manager = auth("estate_manager", [a])
    answer = client.post(URL, json={"estate_id": str(a), "name": "收费系统", "url": url}, headers=manager)
    assert answer.status_code == 422 and "url" in str(answer.json["errors"]), (url, answer.json)
    assert "hunter2" not in str(answer.json)  # the URL's credentials are never echoed
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(webhook_endpoints)).scalar_one() == 0


def test_moving_an_endpoint_inside_is_422_and_an_allowed_host_is_taken(settings, keys, client, auth, world) -> None:
    a = world.estate()
    manager = auth("estate_manager", [a])
    made = client.post(URL, json={"estate_id": str(a), "name": "收费系统", "url": "https://billing.example.com/h"},
                       headers=manager)
    assert made.status_code == 201
    moved = client.patch(f"{URL}/{made.json['id']}", json={"url": "http://169.254.169.254/"}, headers=manager)
    assert moved.status_code == 422
    allowing = dataclasses.replace(settings, webhook_allowed_hosts="10.0.0.5")
    verifier = TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=SERVICE.roles)
    operator_allows = create_service_app(SERVICE, allowing, verifier).test_client()
    internal = {"estate_id": str(a), "name": "内网收费系统", "url": "http://10.0.0.5/hooks"}
    assert operator_allows.post(URL, json=internal, headers=manager).status_code == 201
    assert operator_allows.post(URL, json={**internal, "url": "http://10.0.0.6/hooks"},
                                headers=manager).status_code == 422
