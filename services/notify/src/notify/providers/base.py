"""What the sender gives an adapter and what it gets back: the seam between sending and providers.

The sender records one ``provider_calls`` row per call, commits, calls :meth:`Adapter.send`, and
marks the result. An adapter never touches the database. A call whose outcome is unknown (a
timeout, a dropped connection after the request went out) raises :class:`OutcomeUnknown`; before
anything of it is sent again, the sender asks :meth:`Adapter.find_sent`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


@dataclass(frozen=True)
class Outgoing:
    """One message as a provider takes it."""

    message_id: UUID
    address: str  # a mobile (11 digits), an e-mail address, a webhook endpoint's id; "" for in_app
    language: str
    subject: str | None
    body: str  # the rendered text (what the person reads; what the stand-ins show)
    template_code: str | None = None  # the provider's approved SMS template
    params: Mapping[str, Any] = field(default_factory=dict)  # the template's variables
    sign_name: str = ""  # the SMS signature (签名), e.g. 物业服务中心


@dataclass(frozen=True)
class Rejected:
    """A message the provider refused: ``permanent`` (a bad number: never retry on this channel) or not."""

    message_id: UUID
    code: str
    reason: str
    permanent: bool


@dataclass
class SendResult:
    """What one call did: the messages it took (with the provider's id of each) and those it refused.

    ``throttled`` (the provider's rate limit, e.g. Aliyun's Throttling.User): nothing was taken,
    the messages go back to the queue without counting an attempt, ``retry_after`` seconds later.
    """

    provider_ref: str | None = None  # the call's id at the provider (Aliyun BizId)
    request_id: str | None = None
    accepted: dict[UUID, str | None] = field(default_factory=dict)  # message id -> its provider ref
    rejected: list[Rejected] = field(default_factory=list)
    throttled: bool = False
    retry_after: float = 1.0
    delivered_on_send: bool = False  # in_app, webhook (a 2xx answer), SMTP (accepted by the server)


@dataclass(frozen=True)
class Delivery:
    """What a provider's send-details query says of one message it took: ``delivered`` or
    ``failed`` (the handset's report, with its code and reason), or ``waiting`` (no report yet)."""

    state: str  # DELIVERED | FAILED | WAITING
    code: str = ""
    reason: str | None = None
    at: datetime | None = None  # when the handset's report came


DELIVERED, FAILED, WAITING = "delivered", "failed", "waiting"


class OutcomeUnknown(Exception):
    """The request may or may not have reached the provider (timeout, connection lost mid-call)."""


class Adapter(Protocol):
    provider: str  # e.g. "aliyun", "http-sms", "smtp", "in_app", "webhook"
    channel: str

    def plan(self, messages: Sequence[Outgoing]) -> list[list[Outgoing]]:
        """The calls ``messages`` take (pure): e.g. Aliyun's SendSms takes up to 1,000 numbers with
        one set of variables, SendBatchSms up to 100 with variables each."""
        ...

    def send(self, call_id: UUID, messages: Sequence[Outgoing]) -> SendResult:
        """Make one call (as planned). ``call_id`` is the provider_calls row; adapters that can pass
        an id of the caller's (Aliyun OutId) pass it, so receipts and queries can name it."""
        ...

    def find_sent(self, call_id: UUID, messages: Sequence[Outgoing],
                  started_at: datetime) -> dict[UUID, str | None] | None:
        """After an unknown outcome: which of ``messages`` the provider has (message id -> provider
        ref); ``None`` when the provider cannot be asked (SMTP): then a resend may duplicate."""
        ...

    def send_details(self, call_id: UUID, messages: Sequence[Outgoing],
                     sent_at: datetime) -> dict[UUID, Delivery] | None:
        """For SMS whose receipt did not come within the provider's receipt window: what the provider
        says of each of ``messages`` (sent by call ``call_id`` at ``sent_at``), those it knows of;
        ``None`` when it cannot be asked. Raises :class:`OutcomeUnknown` when the query fails. Only
        SMS adapters have it."""
        ...
