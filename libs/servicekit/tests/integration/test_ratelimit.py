"""Token buckets in a table (servicekit.ratelimit) on the real PostgreSQL: a draw of all-or-none
takes nothing when there is not enough and says how long until there would be; the bucket refills
with time up to its capacity; a partial draw gives what there is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import MetaData
from sqlalchemy.orm import Session

from servicekit.db import make_engine
from servicekit.ratelimit import define_rate_budgets, draw_all, take

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_bucket_gives_all_or_none_and_refills_with_time(make_database) -> None:
    metadata = MetaData()
    budgets = define_rate_budgets(metadata)
    engine = make_engine(make_database())
    try:
        metadata.create_all(engine)
        with Session(engine) as session, session.begin():
            # 5 at once, then one every 2 seconds
            assert [draw_all(session, budgets, "guess 1.2.3.4", 1, 5, 0.5, T0) for _ in range(5)] == [0.0] * 5
            assert draw_all(session, budgets, "guess 1.2.3.4", 1, 5, 0.5, T0) == 2.0
            assert draw_all(session, budgets, "guess 5.6.7.8", 1, 5, 0.5, T0) == 0.0  # a bucket of its own
        with Session(engine) as session, session.begin():
            assert draw_all(session, budgets, "guess 1.2.3.4", 2, 5, 0.5, T0 + timedelta(seconds=3)) == 1.0
            assert draw_all(session, budgets, "guess 1.2.3.4", 1, 5, 0.5, T0 + timedelta(seconds=3)) == 0.0
            assert take(session, budgets, "guess 1.2.3.4", 10, 5, 0.5, T0 + timedelta(hours=1)) == 5
    finally:
        engine.dispose()
