"""Issue 16, "one-time codes cannot be used to flood a number": urgent one-off messages are limited
per recipient and per caller (notify.messages.limits, NOTIFY_URGENT_PER_*), a message over a limit
is a 429 with Retry-After and makes nothing."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from notify.service import SERVICE
from servicekit.auth import TokenVerifier
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER
from servicekit.webapp import create_service_app

from .test_messages_api import LOGIN

SPELLINGS = ["13812345678", "+86 138 1234 5678", "138-1234-5678", "008613812345678"]


def _client(settings, keys, **limits):
    verifier = TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=SERVICE.roles)
    return create_service_app(SERVICE, dataclasses.replace(settings, **limits), verifier).test_client()


def test_thirty_login_codes_to_one_number_are_not_thirty_sms(client, auth, world):
    gateway = auth("integration_client")
    answers = [client.post("/api/v1/messages", json={**LOGIN, "to": {"mobile": SPELLINGS[n % 4]}}, headers=gateway)
               for n in range(30)]
    assert [a.status_code for a in answers] == [202] * 5 + [429] * 25
    refused = answers[5]
    assert refused.mimetype == "application/problem+json" and "recipient" in refused.json["detail"]
    assert 700 <= int(refused.headers["Retry-After"]) <= 720  # one more after 3600 s / 5
    assert "13812345678" not in str(refused.json)
    assert len(world.messages()) == 5
    other = client.post("/api/v1/messages", json={**LOGIN, "to": {"mobile": "13900000000"}}, headers=gateway)
    assert other.status_code == 202  # the limit is the number's, not the gateway's


def test_a_retried_call_is_not_counted_again(client, auth, world):
    gateway = {**auth("integration_client"), "Idempotency-Key": "login-1"}
    answers = [client.post("/api/v1/messages", json=LOGIN, headers=gateway) for _ in range(10)]
    assert [a.status_code for a in answers] == [202] + [200] * 9 and len(world.messages()) == 1


def test_a_caller_is_limited_across_numbers(settings, keys, auth, world):
    client = _client(settings, keys, urgent_per_caller=3, urgent_per_caller_seconds=60.0)
    gateway = auth("integration_client")
    answers = [client.post("/api/v1/messages", json={**LOGIN, "to": {"mobile": f"1390000000{n}"}}, headers=gateway)
               for n in range(5)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429]
    assert answers[3].headers["Retry-After"] == "20" and "caller" in answers[3].json["detail"]
    desk = client.post("/api/v1/messages", json={**LOGIN, "to": {"mobile": "13900000009"}},
                       headers=auth("service_desk_agent"))
    assert desk.status_code == 202  # another caller has its own budget
    not_urgent = client.post("/api/v1/messages", json={**LOGIN, "urgent": False, "to": {"mobile": "13900000008"}},
                             headers=gateway)
    assert not_urgent.status_code == 202 and len(world.messages()) == 5


def test_the_limits_are_settings_and_0_turns_one_off(settings, keys, auth, world):
    client = _client(settings, keys, urgent_per_recipient=0)
    gateway = auth("integration_client")
    assert all(client.post("/api/v1/messages", json=LOGIN, headers=gateway).status_code == 202 for _ in range(12))


@pytest.mark.postgres_only
def test_parallel_codes_to_one_number_share_one_budget(app, auth, world):
    """Every web worker draws from the same bucket (a locked row): 12 calls at once, 5 let through."""
    gateway = auth("integration_client")

    def send(n: int) -> int:
        return app.test_client().post("/api/v1/messages", json={**LOGIN, "to": {"mobile": SPELLINGS[n % 4]}},
                                      headers=gateway).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = sorted(pool.map(send, range(12)))
    assert codes == [202] * 5 + [429] * 7 and len(world.messages()) == 5
