"""A generic JSON HTTP SMS provider behind :class:`notify.providers.base.Adapter`, for providers
other than Aliyun (or a gateway in front of one). The contract it expects:

``POST {endpoint}/messages`` with ``Authorization: Bearer <key>`` and
``{"messages": [{"id": "<message id>", "to": "<number>", "text": "<the rendered text>"}]}``
(at most ``batch`` per call). The ``id`` is notify's message id: a provider that keeps it can
refuse a repeated id, and answers per message::

    {"messages": [{"id": "...", "status": "accepted", "ref": "<its id>"},
                  {"id": "...", "status": "rejected", "code": "...", "reason": "...", "permanent": true}]}

A message the answer does not name is rejected for now (retried). ``429`` is throttling
(``Retry-After`` seconds, else 1); another 4xx rejects every message of the call for now; a 5xx,
a timeout or a connection lost mid-call is an unknown outcome. ``GET {endpoint}/messages/{id}``
answers ``200 {"id", "ref", "status"}`` for a message the provider has and ``404`` for one it
has not: that is :meth:`HttpSms.find_sent`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import httpx

from notify.providers.base import OutcomeUnknown, Outgoing, Rejected, SendResult

# Errors of a request that never reached the provider (so nothing was sent); also the Aliyun adapter's.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class HttpSms:
    provider = "http-sms"
    channel = "sms"

    def __init__(self, settings: Any, *, batch: int = 100, client: httpx.Client | None = None) -> None:
        """The endpoint is ``sms_endpoint``, the bearer key ``sms_access_key_secret``."""
        self.endpoint = settings.sms_endpoint.rstrip("/")
        self.batch = batch
        self.client = client or httpx.Client(timeout=settings.sms_timeout_seconds,
                                             headers={"Authorization": f"Bearer {settings.sms_access_key_secret}"})

    def close(self) -> None:
        self.client.close()

    def plan(self, messages: Sequence[Outgoing]) -> list[list[Outgoing]]:
        items = list(messages)
        return [items[i:i + self.batch] for i in range(0, len(items), self.batch)]

    def send(self, call_id: UUID, messages: Sequence[Outgoing]) -> SendResult:
        body = {"messages": [{"id": str(m.message_id), "to": m.address, "text": m.body} for m in messages]}
        response = self._request("POST", "/messages", json=body)
        result = SendResult(request_id=response.headers.get("X-Request-Id"))
        if response.status_code == 429:
            result.throttled = True
            result.retry_after = _seconds(response.headers.get("Retry-After"))
            return result
        if response.status_code >= 400:
            result.rejected = [Rejected(m.message_id, f"HTTP_{response.status_code}", response.text[:500], False)
                               for m in messages]
            return result
        answers = {str(item.get("id")): item for item in json_object(response).get("messages") or []
                   if isinstance(item, dict)}
        for message in messages:
            item = answers.get(str(message.message_id))
            if item is None:
                result.rejected.append(Rejected(message.message_id, "notify.NOT_ANSWERED",
                                                "the provider's answer did not name this message", False))
            elif item.get("status") == "accepted":
                result.accepted[message.message_id] = item.get("ref")
            else:
                result.rejected.append(Rejected(message.message_id, str(item.get("code") or "rejected"),
                                                str(item.get("reason") or "")[:500], bool(item.get("permanent"))))
        return result

    def find_sent(self, call_id: UUID, messages: Sequence[Outgoing], started_at: datetime) -> dict[UUID, str | None]:
        found: dict[UUID, str | None] = {}
        for message in messages:
            response = self._request("GET", f"/messages/{message.message_id}")
            if response.status_code == 404:
                continue
            if response.status_code != 200:
                raise OutcomeUnknown(f"GET /messages/{message.message_id}: HTTP {response.status_code}")
            found[message.message_id] = json_object(response).get("ref")
        return found

    def send_details(self, call_id: UUID, messages: Sequence[Outgoing], sent_at: datetime) -> None:
        """The generic HTTP provider has no send-details query: a message whose receipt never came
        ends ``no_receipt`` (notify.sending.receipt_window)."""
        return None

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, self.endpoint + path, **kwargs)
        except NOT_SENT as exc:
            # Nothing reached the provider: a 503 of our own, rejected for now.
            return httpx.Response(503, text=f"{type(exc).__name__}: {exc}")
        except httpx.HTTPError as exc:
            raise OutcomeUnknown(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500 and method == "POST":
            raise OutcomeUnknown(f"{method} {path}: HTTP {response.status_code}")
        return response


def json_object(response: httpx.Response, what: str = "") -> dict[str, Any]:
    """The answer's JSON object; an answer that is not one leaves the outcome unknown (the provider
    took the request and said something we cannot read). Also the Aliyun adapter's."""
    try:
        value = response.json()
    except ValueError as exc:
        raise OutcomeUnknown(f"{what}HTTP {response.status_code}, not JSON") from exc
    if not isinstance(value, dict):
        raise OutcomeUnknown(f"{what}HTTP {response.status_code}, not a JSON object")
    return value


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 1.0
    except ValueError:
        return 1.0
