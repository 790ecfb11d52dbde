"""The gateway consumes what owners documents: every event type it consumes has a handler and a
schema in owners' contracts, and owners' own examples of each apply to the gateway's copy."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.service import SERVICE
from gateway.tables import staff, territories
from servicekit.envelope import CloudEvent

OWNERS_EVENTS = Path(__file__).resolve().parents[3] / "services" / "owners" / "contracts" / "events"


def test_every_consumed_type_has_a_handler_and_owners_documents_it():
    handlers = SERVICE.event_handlers()
    for type_ in SERVICE.consumes:
        assert type_ in handlers, type_
        assert (OWNERS_EVENTS / f"{type_}.json").is_file(), type_


def test_owners_examples_apply_to_the_copy(db):
    handlers = SERVICE.event_handlers()
    with Session(db) as session:
        for type_ in SERVICE.consumes:
            for example in json.loads((OWNERS_EVENTS / f"{type_}.json").read_text(encoding="utf-8"))["examples"]:
                handlers[type_](session, CloudEvent(type=type_, source="/estatedesk/owners", data=example))
        session.commit()
        assert session.execute(select(staff.c.id)).first() is not None
        assert session.execute(select(territories.c.released)).first() is not None
