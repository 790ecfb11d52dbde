"""A message's states: one recipient over one channel.

queued → sending → sent → delivered (| failed on the receipt); in_app messages are delivered when
put in the inbox and ``read`` when the person opens them. ``failed`` is final for the channel (the
provider's code and reason kept); the next channel, if any, gets a new message. ``cancelled``:
its notice was cancelled before it was sent. ``sending`` is the one state a crash can leave: its
provider call (provider_calls) tells whether it went.
"""

from __future__ import annotations

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
READ = "read"
CANCELLED = "cancelled"

STATES = (QUEUED, SENDING, SENT, DELIVERED, FAILED, READ, CANCELLED)
FINAL = frozenset({DELIVERED, FAILED, READ, CANCELLED})
# A recipient is reached when a message of theirs is in one of these.
REACHED = frozenset({DELIVERED, READ})
