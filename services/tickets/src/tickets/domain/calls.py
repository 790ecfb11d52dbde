"""A call at the desk (电话服务, TKT-9): its direction, its outcome, how its times fit together, how
many rings it took, and how a number the caller gave is matched against the people's mobiles.

* **Outcomes.** ``answered`` (someone at the desk spoke to the caller: it has an answer time),
  ``missed`` (it rang out unanswered), ``abandoned`` (the caller hung up while it rang or queued),
  ``voicemail`` (the caller left a message). Only an answered call has an answer time; an outbound
  call that nobody picked up is ``missed``.
* **Times.** The ring starts, then (answered) it is answered, then it ends: never the other way
  round. A call that has not ended yet has no end time.
* **Rings.** A call answered after ``s`` seconds of ringing took ``floor(s / ring_seconds) + 1``
  rings: with the default ring of 6 s, answered at 17.99 s is the third ring and at exactly 18 s
  the fourth. "Answered within three rings" (TKT-4) is ``seconds < 3 * ring_seconds``.
* **Numbers.** Only digits count (``138-1234-5678`` is ``13812345678``; a leading ``+86`` or
  ``0086`` is dropped). Four digits are the last four of a mobile (the desk asks "尾号？");
  more are the whole number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from servicekit.errors import Invalid

DIRECTIONS = ("inbound", "outbound")
OUTCOMES = ("answered", "missed", "abandoned", "voicemail")
# Outcomes the desk should call back (a missed inbound call becomes a callback, TKT-9).
CALL_BACK_OUTCOMES = frozenset({"missed", "abandoned", "voicemail"})
SOURCES = ("desk", "call_centre")
DEFAULT_RING_SECONDS = 6.0
THREE_RINGS = 3
LAST_DIGITS = 4

_NOT_DIGITS = re.compile(r"\D")


def digits(number: str) -> str:
    """The digits of a number as the desk or the call-centre system wrote it, without the country code."""
    found = _NOT_DIGITS.sub("", number or "")
    for prefix in ("0086", "86"):
        if found.startswith(prefix) and len(found) - len(prefix) == 11:
            return found[len(prefix):]
    return found


def is_last_digits(number: str) -> bool:
    """True when the number given is only the last four digits of a mobile."""
    return len(digits(number)) == LAST_DIGITS


def check_call(call: Mapping[str, Any]) -> None:
    """Refuse (:class:`Invalid`, every field at once) a call whose outcome and times do not fit."""
    errors: dict[str, list[str]] = {}
    ring, answered, ended = call.get("ring_started_at"), call.get("answered_at"), call.get("ended_at")
    if len(digits(call.get("number") or "")) < LAST_DIGITS + 1:
        errors["number"] = ["a whole number: at least five digits"]
    if call.get("outcome") == "answered" and answered is None:
        errors["answered_at"] = ["an answered call has its answer time"]
    if call.get("outcome") != "answered" and answered is not None:
        errors["answered_at"] = ["only an answered call has an answer time"]
    if ring is not None and answered is not None and answered < ring:
        errors.setdefault("answered_at", []).append("not before the ring started")
    if ended is not None and ended < (answered or ring or ended):
        errors["ended_at"] = ["not before the call was answered or started ringing"]
    if errors:
        raise Invalid("the call's outcome and times do not fit together", "来电结果与时间不一致", errors=errors)


def answer_ms(ring_started_at: datetime, answered_at: datetime | None) -> int | None:
    """How long it rang before someone answered, in whole milliseconds; None when nobody did."""
    if answered_at is None:
        return None
    return (answered_at - ring_started_at) // timedelta(milliseconds=1)


def rings(seconds: float, ring_seconds: float = DEFAULT_RING_SECONDS) -> int:
    """On which ring a call ringing for ``seconds`` was answered (the first ring is 1)."""
    if ring_seconds <= 0:
        raise ValueError("a ring lasts some time")
    return math.floor(max(seconds, 0.0) / ring_seconds) + 1


def within_three_rings(seconds: float, ring_seconds: float = DEFAULT_RING_SECONDS) -> bool:
    """Answered on the first, second or third ring (TKT-4's hotline target)."""
    return rings(seconds, ring_seconds) <= THREE_RINGS
