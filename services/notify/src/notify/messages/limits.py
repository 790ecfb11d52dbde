"""How many urgent one-off messages (``POST /messages`` with ``urgent``: one-time login codes) one
recipient and one caller may have queued (issue 16: 30 login codes to one number went to the
provider within a second, none refused, so anyone able to ask for a code could flood a number).

Each limit is a token bucket in ``rate_budgets`` (notify.sending.ratelimit), shared by every web
worker and replica: a recipient may get ``urgent_per_recipient`` messages at once and then one every
``urgent_per_recipient_seconds / urgent_per_recipient`` seconds (by default 5, then one every 12
minutes: the hourly bound Aliyun itself sets on verification codes to one number); a caller (its
role, subject and estates: the gateway is one caller) ``urgent_per_caller`` at once and then as many
again every ``urgent_per_caller_seconds``. A message over a limit is refused as a whole, 429 with
``Retry-After``, and takes nothing from either bucket (the transaction rolls back). A recipient is
its address (a mobile as its 11 digits, so ``+86 138..`` is the same number) or, in-app, the person;
a bucket is named by a hash of it, never the number itself. A count of 0 turns that limit off.

The gateway adds its own limits in front (per client address); these hold whoever calls notify.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from notify.messages.queueing import Draft
from notify.sending.ratelimit import draw_all
from servicekit.auth import Principal
from servicekit.errors import TooMany
from servicekit.idempotency import caller_of


def check(session: Any, settings: Any, principal: Principal, drafts: Sequence[Draft], now: datetime) -> None:
    """Take the urgent ``drafts`` from their recipients' and their caller's buckets, or refuse them all."""
    urgent = [d for d in drafts if d.urgent]
    if not urgent:
        return
    wait = _draw(session, f"urgent by {caller_of(principal)[:24]}", len(urgent), settings.urgent_per_caller,
                 settings.urgent_per_caller_seconds, now)
    if wait:
        raise TooMany("too many urgent messages from this caller just now; try again later",
                      "当前发送的紧急消息过多，请稍后再试", retry_after=wait, errors={"urgent": ["caller limit"]})
    for recipient in dict.fromkeys(_recipient(d) for d in urgent):
        wait = _draw(session, f"urgent to {_hash(recipient)}", 1, settings.urgent_per_recipient,
                     settings.urgent_per_recipient_seconds, now)
        if wait:
            raise TooMany("too many urgent messages to this recipient just now; try again later",
                          "发送给该接收人的紧急消息过多，请稍后再试", retry_after=wait,
                          errors={"to": ["recipient limit"]})


def _draw(session: Any, key: str, wanted: int, count: int, seconds: float, now: datetime) -> float:
    if count <= 0:
        return 0.0
    wait = draw_all(session, key, wanted, float(count), count / max(seconds, 1e-9), now)
    return -(-wait // 1) if wait else 0.0


def _recipient(draft: Draft) -> str:
    return draft.address or f"person {draft.person_id}"


def _hash(recipient: str) -> str:
    return hashlib.sha256(recipient.encode()).hexdigest()[:24]
