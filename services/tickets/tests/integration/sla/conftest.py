"""A small world for the SLA tests: tickets and staff inserted straight into the tables (the
lifecycle's use cases are someone else's part), the clocks driven through ``on_ticket_changed``,
and the timer swept with a clock the test sets."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import sessionmaker

from servicekit.unit_of_work import UnitOfWork
from tickets.service import SERVICE
from tickets.sla.clocks import on_ticket_changed
from tickets.sla.timer import Sweep, sweep
from tickets.tables import deadlines, outbox, staff, tickets

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Shanghai


class World:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine)
        self.estate_id = uuid.uuid4()
        self.now = T0

    def uow(self) -> UnitOfWork:
        return SERVICE.unit_of_work(self.sessions)

    def add_staff(self, role: str, name: str | None = None, estate_id: uuid.UUID | None = None) -> uuid.UUID:
        staff_id = uuid.uuid4()
        with self.engine.begin() as conn:
            conn.execute(insert(staff).values(id=staff_id, estate_id=estate_id or self.estate_id,
                                              name=name or f"{role} {staff_id.hex[:4]}", role=role, skills=[],
                                              active=True, version=1))
        return staff_id

    def need_staff_lookup(self, staff_id: uuid.UUID, role: str) -> None:
        """The member added is found by their role, as escalation looks them up."""
        from tickets.dispatch.candidates import staff_with_role

        with self.engine.connect() as conn:
            found = [row["id"] for row in staff_with_role(conn, self.estate_id, role)]
        assert staff_id in found, f"staff_with_role does not find the {role} just added"

    def ticket_values(self, **values: Any) -> dict[str, Any]:
        ticket_id = uuid.uuid4()
        row = {"id": ticket_id, "number": f"T{ticket_id.hex[:12]}", "estate_id": self.estate_id,
               "kind": "repair", "channel": "desk", "priority": "normal", "title": "水管漏水",
               "stage": "received", "created_by": "test", "created_at": self.now, "updated_at": self.now}
        row.update(values)
        return row

    def open_ticket(self, **values: Any) -> dict[str, Any]:
        """A ticket row inserted and opened, as the lifecycle's open use case would."""
        row = self.ticket_values(**values)
        with self.uow() as uow:
            uow.execute(insert(tickets).values(row))
            ticket = self.ticket(row["id"], uow)
            on_ticket_changed(uow, ticket, "opened", self.now)
            uow.commit()
        return self.ticket(row["id"])

    def change(self, ticket_id: uuid.UUID, action: str, at: datetime | None = None, **values: Any) -> None:
        """Update the ticket (as a use case would) and tell the clocks, in one transaction."""
        with self.uow() as uow:
            if values:
                uow.execute(tickets.update().where(tickets.c.id == ticket_id).values(**values))
            on_ticket_changed(uow, self.ticket(ticket_id, uow), action, at or self.now)
            uow.commit()

    def ticket(self, ticket_id: uuid.UUID, conn: Any = None) -> dict[str, Any]:
        if conn is None:
            with self.engine.connect() as c:
                return dict(c.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().one())
        return dict(conn.execute(select(tickets).where(tickets.c.id == ticket_id)).mappings().one())

    def deadlines(self, ticket_id: uuid.UUID) -> dict[str, dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(deadlines).where(deadlines.c.ticket_id == ticket_id)).mappings().all()
        return {r["target"]: dict(r) for r in rows}

    def sweep(self, at: datetime | None = None, batch: int = 500) -> Sweep:
        return sweep(self.uow, at or self.now, batch=batch)

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        import json

        statement = select(outbox.table.c.event_type, outbox.table.c.body).order_by(outbox.table.c.seq)
        with self.engine.connect() as conn:
            rows = conn.execute(statement).all()
        return [json.loads(body) for kind, body in rows if event_type is None or kind == event_type]

    def event_counts(self) -> Counter[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(outbox.table.c.event_type, func.count())
                                .group_by(outbox.table.c.event_type)).all()
        return Counter(dict(rows))


@pytest.fixture
def world(db: Engine) -> Iterator[World]:
    yield World(db)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
