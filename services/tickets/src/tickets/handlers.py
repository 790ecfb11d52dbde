"""How tickets applies the events it consumes: owners' entity events, each to its copy of owners'
data (estates, buildings, units, people, occupancies, staff, territories, departments,
common areas and equipment, companies).

The copies are declared in tickets.tables (each column and how it is read from the event, and the
events that carry the entity); their handlers come from those declarations
(servicekit.copies.copy_handlers). Every owners entity event carries the entity's whole state and
its ``version``; a handler writes the copy row by the newer-wins rule when the consumer's batch
commits, so a stale event (redelivered, retried, replayed after a newer one) changes nothing.
Fields added by later versions of owners' schemas are ignored.

And surveys' answers to the question after a ticket, each the owner's evaluation of its ticket
(tickets.tickets.survey_answers, SRV-5).
"""

from __future__ import annotations

from servicekit.copies import copy_handlers
from tickets import tables
from tickets.tickets.survey_answers import HANDLERS as SURVEY_ANSWERS

HANDLERS = {**copy_handlers(tables.estates, tables.buildings, tables.units, tables.people, tables.occupancies,
                            tables.staff, tables.territories, tables.departments, tables.equipment,
                            tables.companies),
            **SURVEY_ANSWERS}
