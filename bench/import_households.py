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

Wall time on a shared machine swings with its load (the import runs for a minute or two, the COPY
for seconds, at different moments), so the bench also prints the CPU seconds each spent, the
client's and PostgreSQL's backends' (read from /proc when the server is on this machine): the
work, whatever the load.
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


def backends_cpu(database_url: str) -> float | None:
    """CPU seconds the PostgreSQL backends connected to ``database_url``'s database have used so
    far (None when the server's processes cannot be read here)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    admin = make_url(database_url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def cpu_text(client: float, server: float | None) -> str:
    return f"{client:.1f} s here" + (f" + {server:.1f} s PostgreSQL = {client + server:.1f} s" if server is not None
                                     else " (PostgreSQL's not readable here)")


def copy_baseline(source_url: str) -> tuple[float, int, float, float | None]:
    """Seconds to COPY every row of ``source_url``'s tables into a fresh database of the same
    schema (one transaction), how many rows that was, and the CPU seconds it took here and in
    PostgreSQL."""
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
            server_before = backends_cpu(url)
            started, cpu_started = time.perf_counter(), time.process_time()
            for name, data in dumps:
                with cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
                    copy.write(data)
            conn.commit()
            seconds, client = time.perf_counter() - started, time.process_time() - cpu_started
            server_after = backends_cpu(url)
    finally:
        drop_database(url)
    server = None if server_before is None or server_after is None else server_after - server_before
    return seconds, rows, client, server


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
        server_before = backends_cpu(url)
        started, cpu_started = time.perf_counter(), time.process_time()
        report = import_households(SERVICE.unit_of_work(sessions), estate["id"], data)
        seconds, client = time.perf_counter() - started, time.process_time() - cpu_started
        server_after = backends_cpu(url)
        server = None if server_before is None or server_after is None else server_after - server_before
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
        copy_seconds, copied, copy_client, copy_server = copy_baseline(url)
        ratio = seconds / copy_seconds
        print(f"baseline: COPY of the same {copied:,} rows into the same tables (fresh database) "
              f"{copy_seconds:.1f} s; the import took {ratio:.1f}x that "
              f"(target <= 3x -> {'met' if ratio <= 3 else 'NOT met'}); load average {os.getloadavg()[0]:.1f}")
        print(f"CPU: the import {cpu_text(client, server)}; the COPY {cpu_text(copy_client, copy_server)}"
              + (f"; ratio {(client + server) / (copy_client + copy_server):.1f}x"
                 if server is not None and copy_server is not None else ""))
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
