"""Benchmark: import 100,000 households from CSV into a fresh PostgreSQL database, events included.

    .venv/bin/python bench/import_households.py [--households 100000]

Generates the CSV with the demo generator (made-up names, fictional 154 numbers), creates its own
database on the server of TEST_DATABASE_URL / DATABASE_URL (default
postgres@127.0.0.1), imports through the same use case as the API and the CLI, prints seconds,
rows per second and the outbox rows written, and drops the database. Target: under 60 s.

The baseline, measured in the same run: the very rows the import wrote (every table, the outbox
included), read back with ``COPY ... TO``, are written with ``COPY ... FROM`` into a second fresh
database migrated alike (same tables, indexes and constraints), in one transaction; the floor of
what writing those rows can cost. Target: the import within 3x of it.
"""

from __future__ import annotations

import argparse
import os
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


def copy_baseline(source_url: str) -> tuple[float, int]:
    """Seconds to COPY every row of ``source_url``'s tables into a fresh database of the same
    schema (one transaction), and how many rows that was."""
    import psycopg

    def conninfo(url: str) -> str:
        return url.replace("postgresql+psycopg://", "postgresql://")

    tables = [t for t in metadata.sorted_tables]
    dumps: list[tuple[str, bytes]] = []
    with psycopg.connect(conninfo(source_url)) as conn, conn.cursor() as cursor:
        for table in tables:
            data = bytearray()
            with cursor.copy(f'COPY "{table.name}" TO STDOUT') as copy:
                for block in copy:
                    data += block
            if data:
                dumps.append((table.name, bytes(data)))
    rows = sum(d.count(b"\n") for _, d in dumps)
    url = create_database(configured_postgres(), prefix="bench_import_copy")
    try:
        upgrade(SERVICE, url)
        with psycopg.connect(conninfo(url)) as conn, conn.cursor() as cursor:
            started = time.perf_counter()
            for name, data in dumps:
                with cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
                    copy.write(data)
            conn.commit()
            seconds = time.perf_counter() - started
    finally:
        drop_database(url)
    return seconds, rows


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
        copy_seconds, copied = copy_baseline(url)
        ratio = seconds / copy_seconds
        print(f"baseline: COPY of the same {copied:,} rows into the same tables (fresh database) "
              f"{copy_seconds:.1f} s; the import took {ratio:.1f}x that "
              f"(target <= 3x -> {'met' if ratio <= 3 else 'NOT met'}); load average {os.getloadavg()[0]:.1f}")
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
