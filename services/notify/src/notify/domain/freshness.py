"""Whether a tickets event is news: the moment it describes, and a rule's freshness window.

A rule turns an event into a message to a person ("your request was received", "the arrival target
was missed"). That is worth sending only while it is news: an event describing a moment hours ago
(a consumer catching up after an outage, months of demo tickets made at once) would message people
about the past. So each event's moment is read from what it says happened (:func:`described_at`),
not from when it was written or delivered, and a rule answers it only within its window
(``fresh_for_minutes``, :data:`DEFAULT_FRESH_FOR_MINUTES` when the rule names none).

Replayed events (``x-replay``) and a demo's history are left alone whatever their moment; that is
the answering module's (it knows the delivery and the demo's mark), this one has no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

# A day: a consumer back from an outage overnight still tells everyone what happened meanwhile;
# a message about a ticket's step older than that is no longer news to anyone.
DEFAULT_FRESH_FOR_MINUTES = 24 * 60
MAX_FRESH_FOR_MINUTES = 7 * 24 * 60

# The moment each kind of event describes, first found wins: what an escalation by the timer was
# due for, a warning's scheduled moment, a breach's or a slipped promise's deadline (a breach the
# timer finds months late, of a ticket left open, still tells of that deadline, and so does the
# escalation it causes), the moments the timer fired them, an escalation's, then the ticket's last
# change (every ticket step sets it).
_MOMENTS = ("trigger_at", "warn_at", "due_at", "warned_at", "breached_at", "slipped_at", "at")

STALE = "stale"


def described_at(data: Mapping[str, Any], written_at: datetime) -> datetime:
    """The moment ``data`` says its event happened; ``written_at`` (the envelope's time) when it
    names none that can be read."""
    ticket = data.get("ticket") if isinstance(data.get("ticket"), Mapping) else {}
    for value in (*(data.get(name) for name in _MOMENTS), ticket.get("updated_at")):
        moment = _instant(value)
        if moment is not None:
            return moment
    return written_at


def not_news(moment: datetime, now: datetime, fresh_for_minutes: int | None) -> str | None:
    """Why an event of ``moment`` is no news for a rule with that window at ``now``: ``stale``
    (older than the window); None when it is news."""
    window = timedelta(minutes=fresh_for_minutes or DEFAULT_FRESH_FOR_MINUTES)
    return STALE if moment < now - window else None


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
