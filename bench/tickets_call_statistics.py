"""Benchmark: call statistics (TKT-4, TKT-9) over a month of 1,000,000 calls in 500 estates on PostgreSQL.

    .venv/bin/python bench/tickets_call_statistics.py [--calls 1000000] [--estates 500]

Creates its own database (server of TEST_DATABASE_URL / DATABASE_URL, default postgres@127.0.0.1),
bulk-loads ``--calls`` calls of November 2026 with generate_series, spread over ``--estates``
estates, two desk lines each (90% inbound; 80% answered after 1-30 s, the rest missed, abandoned
or voicemail) and a callback for each missed inbound call, ANALYZEs, then times, beside baselines
measured in the same run:

- baseline: ``SELECT count(*) FROM calls`` (the whole table), and the count of one estate's month
  of calls (what the index gives at best);
- one estate's figures (``tickets.calls.statistics.call_figures``, what GET
  /api/v1/calls/statistics?estate_id= answers), for 50 estates in turn: median and slowest; the
  same by desk line;
- the whole operator's month by estate (500 rows).

Targets: one estate under 0.5 s, the whole operator under 5 s. Drops the database at the end.
Prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import sessionmaker

from servicekit.auth import Principal
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_postgres, create_database, drop_database
from tickets.calls.statistics import call_figures
from tickets.service import SERVICE
from tickets.tables import desk_lines, estates

START, END = datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC)
NOW = datetime(2026, 12, 6, tzinfo=UTC)

LOAD_CALLS = """
WITH s AS (
  SELECT g, random() AS r1, random() AS r2, random() AS r3,
         :start + (g::float8 / :n) * (:end - :start) AS rang
  FROM generate_series(1, :n) AS g
), c AS (
  SELECT g, rang, (CAST(:estates AS uuid[]))[1 + g % :estate_count] AS estate_id,
         (CAST(:lines AS uuid[]))[1 + (g % :estate_count) * 2 + (g / :estate_count) % 2] AS desk_line_id,
         CASE WHEN r1 < 0.9 THEN 'inbound' ELSE 'outbound' END AS direction,
         CASE WHEN r2 < 0.8 THEN 'answered' WHEN r2 < 0.88 THEN 'missed' WHEN r2 < 0.96 THEN 'abandoned'
              ELSE 'voicemail' END AS outcome,
         1000 + floor(r3 * 29000)::int AS ms
  FROM s
)
INSERT INTO calls (id, estate_id, direction, number, desk_line_id, staff_id, source, ring_started_at, answered_at,
                   ended_at, outcome, answer_ms, notes, created_by, created_at, updated_at, version)
SELECT gen_random_uuid(), estate_id, direction, '138' || lpad((g % 100000000)::text, 8, '0'), desk_line_id, NULL,
       'call_centre', rang, CASE WHEN outcome = 'answered' THEN rang + ms * interval '1 millisecond' END,
       rang + interval '3 minutes', outcome, CASE WHEN outcome = 'answered' THEN ms END, '', 'bench', rang, rang, 1
FROM c
"""

LOAD_CALLBACKS = """
INSERT INTO callbacks (id, estate_id, call_id, number, state, due_at, warn_at, kept, done_at, created_by, created_at,
                       updated_at, version)
SELECT gen_random_uuid(), estate_id, id, number, 'done', ring_started_at + interval '30 minutes',
       ring_started_at + interval '20 minutes', random() < 0.85, ring_started_at + interval '25 minutes', 'bench',
       ring_started_at, ring_started_at, 1
FROM calls WHERE direction = 'inbound' AND outcome <> 'answered'
"""


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--estates", type=int, default=500)
    args = parser.parse_args()
    url = create_database(configured_postgres(), prefix="bench_call_statistics")
    engine = make_engine(url)
    try:
        upgrade(SERVICE, url)
        started = time.perf_counter()
        ids = [uuid.uuid4() for _ in range(args.estates)]
        lines = [uuid.uuid4() for _ in range(2 * args.estates)]
        with engine.begin() as conn:
            conn.execute(insert(estates), [{"id": e, "code": f"E{i:03d}", "name": f"花园{i:03d}", "version": 1}
                                           for i, e in enumerate(ids)])
            conn.execute(insert(desk_lines), [{"id": lines[2 * i + n], "estate_id": e, "number": f"0755{i:08d}",
                                               "extension": str(n), "label": "", "active": True, "version": 1}
                                              for i, e in enumerate(ids) for n in range(2)])
            conn.execute(text(LOAD_CALLS), {"n": args.calls, "start": START, "end": END, "estate_count": args.estates,
                                            "estates": [str(e) for e in ids], "lines": [str(x) for x in lines]})
            conn.execute(text(LOAD_CALLBACKS))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
            counted = conn.execute(text("SELECT count(*) FROM calls")).scalar_one()
            called_back = conn.execute(text("SELECT count(*) FROM callbacks")).scalar_one()
        print(f"loaded {counted:,} calls and {called_back:,} callbacks in {args.estates} estates "
              f"in {time.perf_counter() - started:.0f} s")
        sample = ids[:50]
        with engine.connect() as conn:
            whole = [timed(lambda: conn.execute(text("SELECT count(*) FROM calls")).scalar_one()) for _ in range(3)]
            one = [timed(lambda e=e: conn.execute(text(
                "SELECT count(*) FROM calls WHERE estate_id = :e AND ring_started_at >= :s AND ring_started_at < :t"),
                {"e": e, "s": START, "t": END}).scalar_one()) for e in sample]
        print(f"baseline  SELECT count(*) FROM calls (whole table):        median {statistics.median(whole):7.3f} s")
        print(f"baseline  count of one estate's month of calls:            median {statistics.median(one):7.3f} s")
        admin = Principal("bench", "operator_admin", None)
        sessions = sessionmaker(engine)

        def figures(**args_: Any) -> list[dict[str, Any]]:
            with sessions() as session:
                return call_figures(session, admin, {"since": START, "until": END, "ring_seconds": 6.0, **args_}, NOW)

        for by in ("estate", "desk_line"):
            times = [timed(lambda e=e, b=by: figures(estate_id=e, by=b)) for e in sample]
            print(f"figures   one estate, by {by:<10}                       median {statistics.median(times):7.3f} s  "
                  f"slowest {max(times):.3f} s  (n={len(sample)}; target < 0.5 s)")
        rows: list[dict[str, Any]] = []
        operator = timed(lambda: rows.extend(figures(by="estate")))
        print(f"figures   whole operator by estate ({len(rows)} rows):          {operator:7.3f} s  (target < 5 s)")
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
