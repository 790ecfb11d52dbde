"""The demo estate's week at the desk: calls on two lines (the missed ones callbacks, most kept),
technicians' visits, and two handovers (one signed), made through the use cases; the call
statistics have something to show."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import sessionmaker

from tickets.demo import make_desk_week
from tickets.service import SERVICE
from tickets.tables import callbacks, calls, diary_entries, handovers, staff


def test_a_week_at_the_desk(client, auth, db, place) -> None:
    with db.begin() as conn:  # the demo desk has two agents
        conn.execute(insert(staff).values(id=uuid.uuid4(), estate_id=place["estate"], name="agent 2",
                                          role="service_desk_agent", skills=[], active=True, version=1))
    sessions = sessionmaker(db)
    end = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
    said = make_desk_week(lambda: SERVICE.unit_of_work(sessions), place["estate"], random.Random(7), end)
    with db.connect() as conn:
        def count(table, *where) -> int:  # noqa: ANN001
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

        assert count(calls) >= 100 and f"{count(calls)} calls" in said
        missed = count(calls, calls.c.direction == "inbound", calls.c.outcome != "answered")
        assert missed == count(callbacks) > 0
        assert 0 < count(callbacks, callbacks.c.kept.is_(True)) < count(callbacks)
        assert count(diary_entries) >= 14
        assert count(handovers) == 2 and count(handovers, handovers.c.state == "signed") == 1
    week = client.get("/api/v1/calls/statistics", headers=auth("service_desk_agent", [place["estate"]]),
                      query_string={"since": (end - timedelta(days=8)).isoformat(), "until": end.isoformat(),
                                    "by": "desk_line"}).get_json()["rows"]
    assert len(week) == 2 and all(row["answered"] > 0 and row["three_rings_rate"] for row in week)
