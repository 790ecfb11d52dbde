"""Webhooks to other company systems: a JSON POST per message, signed as Standard Webhooks say.

Headers: ``webhook-id`` (the message id: receivers drop what they have seen, so a resend after
an unknown outcome is harmless), ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``
(``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body`` keyed with the base64 secret after
``whsec_``). A 2xx answer delivers; anything else, or no answer, is a temporary failure, retried
with backoff. Each endpoint keeps its failure state (consecutive failures, since when, the last
error) and is disabled after ``webhook_disable_after`` consecutive failures; a disabled
endpoint's messages fail with that reason.

The connection is made only to an address :mod:`notify.webhooks.addresses` allows, checked when the
endpoint's name is resolved for this very connection (a private, loopback or link-local address
fails the message permanently with ``address_refused``, unless the operator allows the host); no
proxy from the environment is used, since a proxy would resolve the name itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import httpcore
import httpx
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from notify.domain import channels
from notify.providers.base import Outgoing, Rejected, SendResult
from notify.tables import webhook_endpoints
from notify.webhooks.addresses import RefusedAddress, allowed_hosts, checked_addresses, refusal

e = webhook_endpoints.c
# With every http_<status>: what counts against an endpoint (and shows as its last error).
FAILURES = ("webhook_unreachable", "address_refused")


@dataclass(frozen=True)
class Endpoint:
    id: UUID
    url: str
    secret: str
    usable: bool
    disabled_reason: str = ""


def endpoint_loader(engine: Engine) -> Callable[[str], Endpoint | None]:
    def load(address: str) -> Endpoint | None:
        try:
            id_ = UUID(address)
        except ValueError:
            return None
        with engine.connect() as conn:
            row = conn.execute(select(webhook_endpoints).where(e.id == id_)).mappings().first()
        if row is None:
            return None
        reason = ("the endpoint is inactive" if not row["active"] else
                  f"the endpoint was disabled at {row['disabled_at'].isoformat()} after "
                  f"{row['consecutive_failures']} consecutive failures" if row["disabled_at"] else "")
        return Endpoint(row["id"], row["url"], row["secret"], not reason, reason)
    return load


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class CheckedBackend(httpcore.SyncBackend):
    """httpcore's sockets, connecting only to the addresses a webhook may go to: the host is resolved
    here, every address checked, and the socket opened to a checked address (TLS still verifies the
    host's name), so nothing can change between the check and the connection."""

    def __init__(self, allowed: frozenset[str], resolve: Callable[..., list[Any]] = socket.getaddrinfo) -> None:
        self.allowed, self.resolve = allowed, resolve

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        try:
            found = self.resolve(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        failure: httpcore.ConnectError | None = None
        for address in checked_addresses(host, [info[4][0] for info in found], self.allowed):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"{host}: no address")


class CheckedTransport(httpx.HTTPTransport):
    """httpx's transport over :class:`CheckedBackend` (httpx takes no network backend itself, so the
    pool it would make is replaced by the same pool over the checked sockets)."""

    def __init__(self, backend: CheckedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             network_backend=backend)


def checked_client(settings: Any) -> httpx.Client:
    """The webhooks' HTTP client: checked addresses only, no proxy from the environment, no redirects
    followed (a 3xx is not a 2xx: a failure)."""
    return httpx.Client(timeout=settings.webhook_timeout_seconds, trust_env=False, follow_redirects=False,
                        transport=CheckedTransport(CheckedBackend(allowed_hosts(settings.webhook_allowed_hosts))))


class Webhooks:
    provider = "webhook"
    channel = channels.WEBHOOK

    def __init__(self, settings: Any, endpoints: Callable[[str], Endpoint | None],
                 client: httpx.Client | None = None, wall_clock: Callable[[], float] = time.time) -> None:
        self.settings, self.endpoints, self.wall_clock = settings, endpoints, wall_clock
        self.client = client or checked_client(settings)
        self.allowed = allowed_hosts(settings.webhook_allowed_hosts)

    def plan(self, messages: Sequence[Outgoing]) -> list[list[Outgoing]]:
        return [[o] for o in messages]

    def send(self, call_id: UUID, messages: Sequence[Outgoing]) -> SendResult:
        result = SendResult(delivered_on_send=True)
        for outgoing in messages:
            self._post(outgoing, result)
        return result

    def _post(self, outgoing: Outgoing, result: SendResult) -> None:
        endpoint = self.endpoints(outgoing.address)
        if endpoint is None or not endpoint.usable:
            reason = endpoint.disabled_reason if endpoint else f"no webhook endpoint {outgoing.address!r}"
            code = "endpoint_disabled" if endpoint else "endpoint_unknown"
            result.rejected.append(Rejected(outgoing.message_id, code, reason, permanent=True))
            return
        refused = refusal(endpoint.url, self.allowed)  # an endpoint written before the URL was checked
        if refused is not None:
            result.rejected.append(Rejected(outgoing.message_id, "address_refused", refused, permanent=True))
            return
        body = json.dumps({"type": "notify.message", "data": {
            "message_id": str(outgoing.message_id), "language": outgoing.language, "subject": outgoing.subject,
            "body": outgoing.body, "params": dict(outgoing.params)}}, ensure_ascii=False).encode()
        timestamp = int(self.wall_clock())
        headers = {"content-type": "application/json", "webhook-id": str(outgoing.message_id),
                   "webhook-timestamp": str(timestamp),
                   "webhook-signature": sign(endpoint.secret, str(outgoing.message_id), timestamp, body)}
        try:
            answer = self.client.post(endpoint.url, content=body, headers=headers)
        except RefusedAddress as exc:
            result.rejected.append(Rejected(outgoing.message_id, "address_refused", str(exc)[:500], permanent=True))
            return
        except httpx.HTTPError as exc:
            result.rejected.append(Rejected(outgoing.message_id, "webhook_unreachable", str(exc)[:500] or
                                            type(exc).__name__, permanent=False))
            return
        if 200 <= answer.status_code < 300:
            result.accepted[outgoing.message_id] = None
        else:
            result.rejected.append(Rejected(outgoing.message_id, f"http_{answer.status_code}",
                                            answer.text[:200], permanent=False))

    def find_sent(self, call_id: UUID, messages: Sequence[Outgoing], started_at: datetime) -> None:
        return None  # receivers deduplicate by webhook-id

    def note_outcome(self, session: Session, rows: Sequence[Mapping[str, Any]], result: SendResult,
                     now: datetime) -> None:
        """Each endpoint's failure state after a call: reset by a success, counted by a failure."""
        address = {row["id"]: row["address"] for row in rows}
        for message_id in result.accepted:
            session.execute(update(webhook_endpoints).where(e.id == UUID(address[message_id])).values(
                consecutive_failures=0, failing_since=None, last_error=None))
        for rejected in result.rejected:
            if rejected.code in FAILURES or rejected.code.startswith("http_"):
                self._failed(session, UUID(address[rejected.message_id]), f"{rejected.code}: {rejected.reason}", now)

    def _failed(self, session: Session, endpoint_id: UUID, error: str, now: datetime) -> None:
        row = session.execute(select(webhook_endpoints).where(e.id == endpoint_id).with_for_update()).mappings().one()
        failures = row["consecutive_failures"] + 1
        disable = failures >= self.settings.webhook_disable_after and row["disabled_at"] is None
        session.execute(update(webhook_endpoints).where(e.id == endpoint_id).values(
            consecutive_failures=failures, failing_since=row["failing_since"] or now, last_error=error[:500],
            disabled_at=now if disable else row["disabled_at"], version=e.version + 1))
