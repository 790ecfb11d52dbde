"""Benchmark: people search over 200,000 households on PostgreSQL.

    .venv/bin/python bench/search_people.py [--estates 100] [--per-kind 300] [--explain]

Creates its own database (server of TEST_DATABASE_URL / DATABASE_URL, default
postgres@127.0.0.1), loads 100 estates of 2,000 households through the household import (events
and all), ANALYZEs, then sends searches through the whole Flask app in-process (token check,
argument parsing, queries, JSON) - name prefix, full phone, last four, unit number - as a desk
agent scoped to one estate, as one scoped to ten, and as an operator admin who sees every estate.
Prints p50/p95/p99 in ms per kind, per caller and overall, and drops the database. Target: p95
under 30 ms (for the scoped callers; the admin's numbers are printed apart, for information).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import sessionmaker
from tenancy.roles import ROLES

from owners.app import create_app
from owners.demo import Layout, demo_households_csv
from owners.household_imports.use_cases import import_households
from owners.places.use_cases import register_estate
from owners.service import SERVICE
from owners.settings import Settings
from owners.tables import buildings, contact_points, occupancies, people, units
from servicekit.auth import TokenVerifier, issue_token
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_postgres, create_database, drop_database
from servicekit.tokens import generate_keypair

LAYOUT = Layout(buildings=5, entrances=2, floors=25, rooms=8)  # 2,000 households an estate
KINDS = ("name prefix", "full phone", "last four", "unit number")



def load(engine: Engine, estates: int) -> list[str]:
    """``estates`` estates of 2,000 made-up households each, through the import; their ids."""
    sessions = sessionmaker(engine, expire_on_commit=False)
    ids, started = [], time.perf_counter()
    for i in range(estates):
        estate = register_estate(SERVICE.unit_of_work(sessions), code=f"E{i:03d}", name=f"花园{i:03d}")
        data = demo_households_csv(LAYOUT, seed=i, first_number=i * 10_000).encode()
        import_households(SERVICE.unit_of_work(sessions), estate["id"], data)
        ids.append(str(estate["id"]))
    with engine.begin() as conn:  # committed: ANALYZE's statistics are transactional
        conn.execute(text("ANALYZE"))
        counted = conn.execute(text("SELECT count(*) FROM people")).scalar_one()
    print(f"loaded {estates * LAYOUT.units:,} households ({counted:,} people) in {estates} estates "
          f"in {time.perf_counter() - started:.0f} s")
    return ids


def samples(engine: Engine, estate_ids: list[str], rng: random.Random, n: int) -> dict[str, list[str]]:
    """Queries the desk would type, drawn from people who live in ``estate_ids``."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(people.c.name, contact_points.c.value, buildings.c.code, units.c.number)
            .join(contact_points, contact_points.c.person_id == people.c.id)
            .join(occupancies, occupancies.c.person_id == people.c.id)
            .join(units, units.c.id == occupancies.c.unit_id).join(buildings, buildings.c.id == units.c.building_id)
            .where(people.c.estate_id.in_(estate_ids), contact_points.c.kind == "mobile")
            .order_by(text("random()")).limit(n * 2)).all()
    picks = [rows[rng.randrange(len(rows))] for _ in range(n)]
    return {
        # half a surname alone (the broadest search there is), half a whole name
        "name prefix": [p.name[0] if i % 2 else p.name for i, p in enumerate(picks)],
        "full phone": [p.value for p in picks],
        "last four": [p.value[-4:] for p in picks],
        # "2-1202", "3栋2-1202" and a bare room "1202" (read as last four or a room behind any entrance)
        "unit number": [(p.number, f"{p.code}栋{p.number}", p.number.split("-")[-1])[i % 3]
                        for i, p in enumerate(picks)],
    }


def measure(get: Callable[[str], Any], queries: list[str]) -> list[float]:
    timings = []
    for q in queries:
        started = time.perf_counter()
        response = get(q)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.json
    return timings


def percentiles(timings: list[float]) -> str:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return f"p50 {cuts[49]:6.2f}  p95 {cuts[94]:6.2f}  p99 {cuts[98]:6.2f} ms  (n={len(timings)})"


def explain(engine: Engine, estate_id: str) -> None:
    """The plans of one search per kind, as the app sends them (to check every step is indexed)."""
    from owners.domain.search import read_query
    from owners.search.views import Scope, _matching_people
    from servicekit.auth import Principal

    scope = Scope(Principal("bench", "service_desk_agent", frozenset({estate_id})))
    with engine.connect() as conn:
        for q in ("王", "15400000001", "0001", "2-1202", "1202"):
            statement = _matching_people(read_query(q), scope).order_by(people.c.name, people.c.id).limit(21)
            compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
            plan = conn.execute(text(f"EXPLAIN ANALYZE {compiled}")).scalars().all()
            print(f"--- q={q}\n" + "\n".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--estates", type=int, default=100)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    url = create_database(configured_postgres(), prefix="bench_search")
    engine = make_engine(url)
    try:
        upgrade(SERVICE, url)
        estate_ids = load(engine, args.estates)
        private, public = generate_keypair()
        settings = Settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                            max_body_bytes=64 * 1024, max_import_bytes=64 * 1024 * 1024)
        verifier = TokenVerifier(public, issuer="bench", audience="estatedesk", roles=ROLES)
        client = create_app(settings, verifier).test_client()
        rng = random.Random(1)
        callers = {"1 estate": estate_ids[:1], "10 estates": estate_ids[:10], "all estates (admin)": ["*"]}
        overall: dict[str, list[float]] = {"scoped": [], "admin": []}
        for caller, scope in callers.items():
            role = "operator_admin" if scope == ["*"] else "service_desk_agent"
            token = issue_token(private, subject="bench", role=role, estates=scope, issuer="bench",
                                audience="estatedesk", ttl_seconds=3600)
            headers = {"Authorization": f"Bearer {token}"}

            def get(q: str, headers: dict[str, str] = headers) -> Any:
                return client.get("/api/v1/people", query_string={"q": q}, headers=headers)

            queries = samples(engine, estate_ids if scope == ["*"] else scope, rng, args.per_kind)
            measure(get, queries["name prefix"][:20])  # warm the pool and the caches
            print(f"\n{caller}:")
            for kind in KINDS:
                timings = measure(get, queries[kind])
                overall["admin" if scope == ["*"] else "scoped"] += timings
                print(f"  {kind:12s} {percentiles(timings)}")
        print(f"\noverall, callers scoped to 1 and to 10 estates: {percentiles(overall['scoped'])}")
        print(f"overall, operator admin over every estate:      {percentiles(overall['admin'])}")
        print("target: p95 under 30 ms")
        if args.explain:
            explain(engine, estate_ids[0])
    finally:
        engine.dispose()
        drop_database(url)


if __name__ == "__main__":
    main()
