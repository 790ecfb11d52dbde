"""The events notify records (each through the outbox, in the transaction of its change).

Their payloads are documented in ``contracts/events/<type>.json`` and ``contracts/asyncapi.yaml``.
Notify publishes notice-level facts and the one per-recipient fact other systems act on (a
household that could not be reached over any channel: the call centre phones it); it does not
publish an event per message sent.
"""

from __future__ import annotations

NOTICE_SCHEDULED = "notify.notice.scheduled.v1"
NOTICE_STARTED = "notify.notice.started.v1"  # audience resolved, messages queued
NOTICE_PAUSED = "notify.notice.paused.v1"
NOTICE_RESUMED = "notify.notice.resumed.v1"
NOTICE_CANCELLED = "notify.notice.cancelled.v1"
NOTICE_COMPLETED = "notify.notice.completed.v1"  # every message final; with the totals
RECIPIENT_UNREACHED = "notify.recipient.unreached.v1"  # every channel of a recipient failed

EVENT_TYPES = (NOTICE_SCHEDULED, NOTICE_STARTED, NOTICE_PAUSED, NOTICE_RESUMED, NOTICE_CANCELLED,
               NOTICE_COMPLETED, RECIPIENT_UNREACHED)
