"""A notice's statuses.

scheduled (waiting for its send_at) → sending (its audience resolved, its messages queued) → sent
(every message final); paused ⇄ sending; scheduled | sending | paused → cancelled.
"""

from __future__ import annotations

SCHEDULED = "scheduled"
SENDING = "sending"
PAUSED = "paused"
SENT = "sent"
CANCELLED = "cancelled"

STATUSES = (SCHEDULED, SENDING, PAUSED, SENT, CANCELLED)
ALLOWED = {
    "pause": frozenset({SENDING}),
    "resume": frozenset({PAUSED}),
    "cancel": frozenset({SCHEDULED, SENDING, PAUSED}),
}
