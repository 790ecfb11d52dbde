"""Sending a one-time code: notify's ``POST /api/v1/messages`` with its built-in ``login_code``
template, as an urgent SMS to the bare number (notify's limits per recipient apply too), with the
code's id as the Idempotency-Key so a retried call sends nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import httpx
from flask import current_app
from tenancy.roles import INTEGRATION_CLIENT

from gateway.keys.signing import sign_for_request
from gateway.pages.backends import CALL_SLOTS, CallSlots, Unavailable
from servicekit.errors import TooMany

log = logging.getLogger(__name__)


class NotSent(Exception):
    """notify did not take the message (down, or refused it): the code is void."""


def send_code(notify_url: str, timeout: float, token: Callable[[], str],
              slots: CallSlots | None = None) -> Callable[[str, str, str], None]:
    """``send(mobile, code, key)`` through notify at ``notify_url``; ``token()`` signs the gateway's
    own token for the call. notify may fetch the gateway's JWKS to check that token while the call
    waits: the call takes one of the worker's ``slots`` (none free: not sent, at once)."""

    def send(mobile: str, code: str, key: str) -> None:
        body = {"to": {"mobile": mobile}, "template": "login_code", "variables": {"code": code},
                "channels": ["sms"], "urgent": True, "purpose": "service"}
        try:
            with slots.taken("notify") if slots else nullcontext():
                answer = httpx.post(f"{notify_url.rstrip('/')}/api/v1/messages", json=body, timeout=timeout,
                                    headers={"Authorization": f"Bearer {token()}", "Idempotency-Key": key})
        except Unavailable as exc:
            raise NotSent("no thread free to call notify") from exc
        except httpx.HTTPError as exc:
            log.warning("notify could not be reached to send a one-time code: %s", exc)
            raise NotSent(str(exc)) from exc
        if answer.status_code == 429:  # notify's own limit on urgent messages to one number
            raise TooMany("too many codes to this number just now", "该号码短时间内验证码过多",
                          retry_after=int(answer.headers.get("Retry-After", "60")))
        if answer.status_code not in (200, 202):
            log.warning("notify refused a one-time code: %s %s", answer.status_code, answer.text[:300])
            raise NotSent(f"notify answered {answer.status_code}")

    return send


def sender(settings: Any) -> Callable[[str, str, str], None]:
    """``send`` through the notify of the gateway's settings, with the gateway's own token (every
    estate: a code goes to a bare number)."""
    def token() -> str:
        return sign_for_request(subject="gateway", role=INTEGRATION_CLIENT, estates=["*"])[0]

    return send_code(settings.notify_url, settings.notify_timeout_seconds, token,
                     current_app.extensions.get(CALL_SLOTS))
