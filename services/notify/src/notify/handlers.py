"""Every event notify consumes, and how it applies each: owners' entity events to notify's copy of
the people it reaches (declared in notify.tables; the handlers come from the declarations, see
servicekit.copies), and tickets' events to the rules that turn them into messages."""

from __future__ import annotations

from notify.rules.answer import answer_event
from notify.rules.variables import RULE_EVENTS
from notify.tables import buildings, companies, estates, occupancies, people, staff, units
from servicekit.copies import copy_handlers

COPY_HANDLERS = copy_handlers(estates, buildings, units, people, occupancies, staff, companies)
HANDLERS = {**COPY_HANDLERS, **dict.fromkeys(RULE_EVENTS, answer_event)}
