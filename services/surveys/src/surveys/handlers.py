"""Every event surveys consumes, and how it applies each: owners' entity events to surveys' copy of
owners (declared in surveys.tables; the handlers come from the declarations, see servicekit.copies);
tickets' resolved and evaluated tickets to the question after a ticket (surveys.invitations.after_ticket)."""

from __future__ import annotations

from servicekit.copies import copy_handlers
from surveys.invitations.after_ticket import HANDLERS as AFTER_TICKET
from surveys.tables import buildings, estates, occupancies, people, staff, territories, units

COPY_HANDLERS = copy_handlers(estates, buildings, units, people, occupancies, staff, territories)
HANDLERS = {**COPY_HANDLERS, **AFTER_TICKET}
