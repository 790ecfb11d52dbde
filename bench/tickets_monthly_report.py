"""Benchmark: the monthly complaint report over 1,000,000 tickets on PostgreSQL.

    .venv/bin/python bench/tickets_monthly_report.py [--tickets 1000000] [--estates 10] [--months 12] [--explain]

Creates its own database (server of TEST_DATABASE_URL / DATABASE_URL, default postgres@127.0.0.1),
bulk-loads ``--tickets`` tickets with generate_series (spread evenly over ``--estates`` estates and
the ``--months`` months up to November 2026; 40% complaints of every class and quality aspect,
units and people that complain again, promises, evaluations) and a deadline per target of each
complaint, ANALYZEs, then times, beside baselines measured in the same run:

- baseline: ``SELECT count(*) FROM tickets`` (the whole table), and the count of one estate-month's
  complaints (what the index gives at best);
- one estate-month's report: its content alone, and generate() (content, stored, announced in the
  outbox), for every estate in turn: median and slowest;
- the whole operator's month: generate_due() making every estate's November report;
- the ticket report (GET /api/v1/reports/tickets's query) grouped by estate and month over every
  ticket, for information.

Target: one estate-month under 5 s. Drops the database at the end. Prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text
from sqlalchemy.orm import sessionmaker

from servicekit.auth import Principal
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_postgres, create_database, drop_database
from tickets.reports.monthly import build_report, month_bounds, shift
from tickets.reports.use_cases import generate, generate_due
from tickets.reports.views import TicketReport, ticket_figures
from tickets.service import SERVICE
from tickets.tables import estates, monthly_reports

PERIOD = "2026-11"
# 00:30 on 1 December 2026 in Shanghai
DUE = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)

LOAD_TICKETS = """
WITH s AS (
  SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
         :start + (g::float8 / :n) * (:end - :start) AS created
  FROM generate_series(1, :n) AS g
)
INSERT INTO tickets (id, number, estate_id, building_id, unit_id, person_id, kind, channel, category,
                     complaint_class, quality_aspect, priority, major, title, description, stage, assignee_id,
                     escalation_level, waiting_on_owner, promised_by, promise_kept, evaluation_score, reopen_count,
                     created_by, created_at, updated_at, acknowledged_at, arrived_at, resolved_at, closed_at, version)
SELECT gen_random_uuid(), 'B' || lpad(g::text, 10, '0'), (CAST(:estates AS uuid[]))[1 + g % :estate_count],
       md5('b' || g % :estate_count || '-' || floor(r1 * 20)::int)::uuid,
       md5('u' || g % :estate_count || '-' || floor(r1 * 2000)::int)::uuid,
       md5('p' || g % :estate_count || '-' || floor(r1 * 2000)::int)::uuid,
       CASE WHEN r2 < 0.4 THEN 'complaint' WHEN r2 < 0.8 THEN 'repair' WHEN r2 < 0.95 THEN 'inquiry'
            ELSE 'suggestion' END,
       'desk',
       (ARRAY['lift', 'water', 'noise', 'parking', 'cleaning', 'staff', 'fees', 'security'])[1 + floor(r3 * 8)::int],
       CASE WHEN r2 < 0.4 THEN (ARRAY['facilities', 'management', 'fees', 'emergency'])[1 + floor(r4 * 4)::int] END,
       CASE WHEN r2 < 0.4 AND floor(r4 * 4) = 1 THEN (ARRAY['safety', 'consistency', 'attitude', 'completeness',
            'environment', 'convenience', 'timeliness'])[1 + floor(r5 * 7)::int] END,
       'normal', r5 < 0.01, 'bench', '',
       CASE WHEN r5 < 0.80 THEN 'archived' WHEN r5 < 0.83 THEN 'merged' WHEN r5 < 0.85 THEN 'cancelled'
            WHEN r5 < 0.95 THEN 'evaluated' ELSE 'dispatched' END,
       md5('s' || g % :estate_count || '-' || floor(r3 * 30)::int)::uuid, 0, false,
       CASE WHEN r4 < 0.1 THEN created + interval '3 days' END,
       CASE WHEN r4 < 0.1 AND r5 < 0.95 THEN r3 < 0.8 END,
       CASE WHEN r5 < 0.7 THEN 1 + floor(r3 * 5)::int END, 0, 'bench', created, created,
       created + r1 * interval '10 minutes', created + r3 * interval '1 hour',
       CASE WHEN r5 < 0.95 THEN created + r4 * interval '3 days' END,
       CASE WHEN r5 < 0.85 THEN created + interval '5 days' END, 1
FROM s
"""

LOAD_DEADLINES = """
INSERT INTO deadlines (id, ticket_id, estate_id, target, state, started_at, due_at, business_hours, breached_at, met_at)
SELECT gen_random_uuid(), t.id, t.estate_id, d.target, CASE WHEN random() < 0.9 THEN 'met' ELSE 'missed' END,
       t.created_at, t.created_at + interval '1 hour', false, NULL, NULL
FROM tickets t CROSS JOIN (VALUES ('acknowledge'), ('arrive'), ('resolve')) AS d(target)
WHERE t.kind = 'complaint'
"""


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def load(engine: Engine, tickets: int, estate_count: int, months: int) -> list[uuid.UUID]:
    started = time.perf_counter()
    ids = [uuid.uuid4() for _ in range(estate_count)]
    first, _ = month_bounds(shift(PERIOD, 1 - months), "Asia/Shanghai")
    _, end = month_bounds(PERIOD, "Asia/Shanghai")
    with engine.begin() as conn:
        conn.execute(insert(estates), [{"id": e, "code": f"E{i:03d}", "name": f"花园{i:03d}", "version": 1}
                                       for i, e in enumerate(ids)])
        conn.execute(text(LOAD_TICKETS), {"n": tickets, "start": first, "end": end,
                                          "estates": [str(e) for e in ids], "estate_count": estate_count})
        conn.execute(text(LOAD_DEADLINES))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        counted = conn.execute(text("SELECT count(*) FROM tickets")).scalar_one()
        deadlines = conn.execute(text("SELECT count(*) FROM deadlines")).scalar_one()
    print(f"loaded {counted:,} tickets and {deadlines:,} deadlines in {estate_count} estates over {months} months "
          f"in {time.perf_counter() - started:.0f} s")
    return ids


def explain(engine: Engine, estate_id: uuid.UUID) -> None:
    """Every statement of one estate-month's report with its plan (to check each is indexed)."""
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    with sessionmaker(engine)() as session:
        estate = dict(session.execute(select(estates).where(estates.c.id == estate_id)).mappings().one())
        build_report(session, estate, PERIOD, DUE)
    event.remove(engine, "before_cursor_execute", remember)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print("---", statement.split("\n")[0][:100])
            print("\n".join(row[0] for row in cursor.fetchall()))
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--estates", type=int, default=10)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    url = create_database(configured_postgres(), prefix="bench_tickets_monthly")
    engine = make_engine(url)
    try:
        upgrade(SERVICE, url)
        ids = load(engine, args.tickets, args.estates, args.months)
        sessions = sessionmaker(engine, expire_on_commit=False)
        start, end = month_bounds(PERIOD, "Asia/Shanghai")
        with engine.connect() as conn:
            whole = [timed(lambda: conn.execute(text("SELECT count(*) FROM tickets")).scalar_one()) for _ in range(3)]
            one = [timed(lambda e=e: conn.execute(text(
                "SELECT count(*) FROM tickets WHERE estate_id = :e AND created_at >= :s AND created_at < :t "
                "AND kind = 'complaint'"), {"e": e, "s": start, "t": end}).scalar_one()) for e in ids]
            complaints = conn.execute(text(
                "SELECT count(*) FROM tickets WHERE estate_id = :e AND created_at >= :s AND created_at < :t "
                "AND kind = 'complaint'"), {"e": ids[0], "s": start, "t": end}).scalar_one()
        print(f"\none estate-month: {complaints:,} complaints (of about {args.tickets // args.estates // args.months:,}"
              " tickets)")
        print(f"baseline  SELECT count(*) FROM tickets (whole table):      median {statistics.median(whole):7.3f} s")
        print(f"baseline  count of one estate-month's complaints:          median {statistics.median(one):7.3f} s")

        content_times = []
        for estate_id in ids:
            with sessions() as session:
                estate = dict(session.execute(select(estates).where(estates.c.id == estate_id)).mappings().one())
                content_times.append(timed(lambda s=session, e=estate: build_report(s, e, PERIOD, DUE)))
        generate_times = [timed(lambda e=e: generate(SERVICE.unit_of_work(sessions), e, PERIOD, DUE)) for e in ids]
        print("report    one estate-month, content only:                  median "
              f"{statistics.median(content_times):7.3f} s  slowest {max(content_times):.3f} s  (n={len(ids)})")
        print(f"report    one estate-month, generate() (stored, announced): median "
              f"{statistics.median(generate_times):7.3f} s  slowest {max(generate_times):.3f} s")
        with engine.begin() as conn:
            conn.execute(delete(monthly_reports))
        operator = timed(lambda: generate_due(lambda: SERVICE.unit_of_work(sessions), DUE))
        print(f"report    whole operator, generate_due() ({len(ids)} estates' Novembers): {operator:7.3f} s")
        idle = timed(lambda: generate_due(lambda: SERVICE.unit_of_work(sessions), DUE))
        print(f"timer     generate_due() with nothing due (every sweep):    {idle * 1000:7.1f} ms")
        first, _ = month_bounds(shift(PERIOD, 1 - args.months), "Asia/Shanghai")
        report = TicketReport(group_by=("estate", "month"), start=first, end=end)
        admin = Principal("bench", "operator_admin", None)
        with sessions() as session:
            figures = timed(lambda: ticket_figures(session, admin, report))
        print(f"info      ticket report by estate and month, every ticket:  {figures:7.3f} s")
        print("target: one estate-month under 5 s")
        if args.explain:
            explain(engine, ids[0])
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
