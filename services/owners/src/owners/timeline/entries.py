"""How owners' consumer writes the timeline: each handled event's entries (owners.domain.timeline),
in the consumer's transaction with the event's inbox row. A replayed event writes the same rows as it
did live (ids and times come from the event), and an entry there already is left alone, so an event
applied twice writes nothing twice."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy.orm import Session

from owners.domain.timeline import EVENT_TYPES, entries_of
from owners.tables import timeline_entries
from servicekit.db import insert_new
from servicekit.envelope import CloudEvent
from servicekit.rows import now


def write_entries(session: Session, event: CloudEvent) -> None:
    made = [{**asdict(entry), "event_id": event.id}
            for entry in entries_of(event.type, event.id, event.time or now(), event.data)]
    if made:
        session.execute(insert_new(session, timeline_entries), made)


HANDLERS = dict.fromkeys(EVENT_TYPES, write_entries)
