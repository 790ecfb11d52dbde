"""A message's states: one recipient over one channel.

queued → sending → sent → delivered (| failed on the receipt); in_app messages are delivered when
put in the inbox and ``read`` when the person opens them. A household is reached when it got the
message: an SMS or an e-mail the provider delivered, an in-app message only once it is read (one
lying unread in an app nobody opens reached nobody, and must not hide the household from the desk
that would phone it; see :func:`reaches`). ``failed`` is final for the channel (the
provider's code and reason kept); the next channel, if any, gets a new message. ``cancelled``:
its notice was cancelled before it was sent. ``sending`` is the one state a crash can leave: its
provider call (provider_calls) tells whether it went. ``no_receipt``: an SMS ``sent`` whose receipt
never came within the provider's receipt window, and whose send-details query did not say either:
final (its notice completes), not reached (the desk is told, reason ``no_receipt``); a receipt
that comes later is kept and changes nothing.
"""

from __future__ import annotations

from notify.domain.channels import IN_APP

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
DELIVERED = "delivered"
FAILED = "failed"
READ = "read"
CANCELLED = "cancelled"
NO_RECEIPT = "no_receipt"

STATES = (QUEUED, SENDING, SENT, DELIVERED, FAILED, READ, CANCELLED, NO_RECEIPT)
FINAL = frozenset({DELIVERED, FAILED, READ, CANCELLED, NO_RECEIPT})
# A recipient is reached when a message of theirs is in one of these (in_app: only READ, see reaches).
REACHED = frozenset({DELIVERED, READ})


def reaches(channel: str, state: str) -> bool:
    """Whether a message over ``channel`` in ``state`` reached its recipient: delivered or read,
    and for the in-app inbox read only (delivered there means put in the inbox, not seen)."""
    if channel == IN_APP:
        return state == READ
    return state in REACHED


def unread(channel: str, state: str) -> bool:
    """An in-app message in the inbox that nobody has opened yet: final for the sender, but the
    household is not reached (pending) until it is read."""
    return channel == IN_APP and state == DELIVERED
