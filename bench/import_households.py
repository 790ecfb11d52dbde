"""Benchmark: import 100,000 households from CSV into a fresh PostgreSQL database, events included.

    .venv/bin/python bench/import_households.py [--households 100000]

Generates the CSV with the demo generator (made-up names, fictional 154 numbers), creates its own
database on the server of TEST_DATABASE_URL / DATABASE_URL (default
postgres@127.0.0.1), imports through the same use case as the API and the CLI, prints seconds,
rows per second and the outbox rows written, and drops the database. Target: under 60 s.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from owners.demo import Layout, demo_households_csv
from owners.household_imports.use_cases import import_households
from owners.places.use_cases import register_estate
from owners.service import SERVICE
from owners.tables import metadata, outbox
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_postgres, create_database, drop_database


def layout_for(households: int) -> Layout:
    """Towers of 2 entrances x 32 floors x 4 rooms (256 units), as many as the households need."""
    per_building = 2 * 32 * 4
    return Layout(buildings=max(1, round(households / per_building)), entrances=2, floors=32, rooms=4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    args = parser.parse_args()
    layout = layout_for(args.households)
    started = time.perf_counter()
    data = demo_households_csv(layout, seed=7).encode()
    lines = data.count(b"\n") - 1
    print(f"generated {layout.units:,} households, {lines:,} rows, {len(data) / 1e6:.1f} MB "
          f"in {time.perf_counter() - started:.1f} s")
    url = create_database(configured_postgres(), prefix="bench_import")
    engine = make_engine(url)
    try:
        upgrade(SERVICE, url)
        sessions = sessionmaker(engine, expire_on_commit=False)
        estate = register_estate(SERVICE.unit_of_work(sessions), code="BENCH", name="基准花园")
        started = time.perf_counter()
        report = import_households(SERVICE.unit_of_work(sessions), estate["id"], data)
        seconds = time.perf_counter() - started
        with engine.connect() as conn:
            outbox_rows = conn.execute(select(func.count()).select_from(outbox.table)).scalar_one()
            rows_written = sum(conn.execute(select(func.count()).select_from(t)).scalar_one()
                               for t in metadata.sorted_tables)
        print(f"imported {report.units_added:,} households ({report.rows:,} rows, {report.people_registered:,} "
              f"people, {report.moved_in:,} move-ins, {report.contact_lists_changed:,} contact lists) "
              f"in {seconds:.1f} s: {report.rows / seconds:,.0f} CSV rows/s, "
              f"{report.units_added / seconds:,.0f} households/s")
        print(f"outbox rows written: {outbox_rows:,} (import events: {report.events:,}); "
              f"database rows in all: {rows_written:,} ({rows_written / seconds:,.0f} rows/s)")
        print(f"target: 100,000 households in under 60 s -> {'met' if seconds < 60 else 'NOT met'} "
              f"for {report.units_added:,} households")
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
