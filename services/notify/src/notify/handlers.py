"""Every event notify consumes, and how it applies each: owners' (the copy) and tickets' (the rules)."""

from __future__ import annotations

from notify.copy import COPY_HANDLERS
from notify.rules.answer import answer_event
from notify.rules.variables import TICKETS_EVENTS

HANDLERS = {**COPY_HANDLERS, **dict.fromkeys(TICKETS_EVENTS, answer_event)}
