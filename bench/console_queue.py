"""Benchmark: the staff console's queue page and the quick entry's search (issue 24), every service up.

    .venv/bin/python bench/console_queue.py [--tickets 10000] [--directory 20000] [--pages 40] [--searches 200]

owners, tickets, notify and surveys (gunicorn, each on a fresh PostgreSQL database) and the gateway in
front of them, seeded as bench/gateway_views.py seeds them: one estate with ``--tickets`` open tickets
(each with its deadlines), the person 张伟 (mobile 13812345678) in 1-101; and a second estate whose
``--directory`` households are imported as the household import takes them (owners.demo's Chinese
names and mobiles), so the search looks through a real directory. A desk agent of both estates is
signed in to the console (a session in the gateway's table, its cookie as the console sets it), and
one client asks, one request after another (the page's own time, not a crowd's):

* ``queue page``: ``GET /console/queue`` (the open tickets by stage, the 100 due first with their SLA
  clocks, the estate's buildings and staff for the filters, the saved filter sets): aim < 300 ms;
* ``queue rows``: ``GET /console/queue/rows`` (the part htmx polls every 5 s);
* ``tickets list``: the baseline, tickets' ``GET /api/v1/tickets?status=open&page_size=100`` alone
  (latest first), and ``tickets list, due first`` with ``&order=due``, the order the queue asks for;
* ``entry search``: ``GET /console/entry/search?q=...`` as the agent types (张, 张伟, 5678, 1-101,
  13812345678 in turn), end to end: aim p95 < 100 ms;
* ``people search``: the baseline, owners' ``GET /api/v1/people?q=...`` alone, the same words.

Prints p50, p95, max and the mean of each, beside the load average. It prints numbers; it does not
pass or fail.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from create_owner_api import gunicorn  # noqa: E402
from gateway_views import SERVICES, seed  # noqa: E402
from import_households import layout_for  # noqa: E402

from servicekit.testing import configured_postgres, create_database, drop_database  # noqa: E402

TYPED = ("张", "张伟", "5678", "1-101", "13812345678")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000, help="open tickets of the estate")
    parser.add_argument("--directory", type=int, default=20_000, help="households of the second estate")
    parser.add_argument("--pages", type=int, default=40, help="queue pages asked (after 5 to warm up)")
    parser.add_argument("--searches", type=int, default=200, help="searches asked (after 10 to warm up)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    return parser.parse_args()


def timed(client: httpx.Client, paths: list[str], headers: dict[str, str], warmup: int) -> list[float]:
    """Each path asked in turn (``warmup`` first, not counted); milliseconds each took, every answer a 200."""
    spent = []
    for index, path in enumerate(paths[:warmup] + paths):
        began = time.perf_counter()
        answer = client.get(path, headers=headers)
        took = (time.perf_counter() - began) * 1000
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
        if index >= warmup:
            spent.append(took)
    return spent


def report(name: str, spent: list[float]) -> None:
    ordered = sorted(spent)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    print(f"{name:>14}: p50 {statistics.median(ordered):6.1f} ms  p95 {p95:6.1f} ms  max {ordered[-1]:6.1f} ms  "
          f"mean {statistics.fmean(ordered):6.1f} ms  ({len(ordered)} requests)")


def directory(owners_url: str, households: int) -> str:
    """A second estate with ``households`` households imported into owners; its id."""
    from sqlalchemy import text
    from sqlalchemy.orm import sessionmaker

    from owners.demo import demo_households_csv
    from owners.household_imports.use_cases import import_households
    from owners.places.use_cases import register_estate
    from owners.service import SERVICE as OWNERS
    from servicekit.db import make_engine

    engine = make_engine(owners_url)
    made = sessionmaker(engine, expire_on_commit=False)
    estate = register_estate(OWNERS.unit_of_work(made), code="BENCH2", name="基准二期")["id"]
    imported = import_households(OWNERS.unit_of_work(made), estate,
                                 demo_households_csv(layout_for(households), seed=11).encode())
    engine.dispose()
    # The import's rows settled before anything is timed (as autovacuum leaves them within a minute):
    # otherwise its vacuum of the fresh rows runs during the searches, on the same two cores.
    with make_engine(owners_url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    print(f"directory: {imported.units_added:,} households, {imported.people_registered:,} people in the second estate")
    return str(estate)


def signed_in(gateway_url: str, estates: list[str]) -> tuple[str, str]:
    """A desk agent of the estates signed in to the console as the console signs them in: an account,
    a session keeping a token the gateway signed, and its cookie. Returns (the cookie, the token)."""
    from sqlalchemy import insert
    from sqlalchemy.orm import sessionmaker

    from gateway.console import frame, sessions
    from gateway.keys.signing import Signer
    from gateway.pages import session as cookies
    from gateway.service import SERVICE as GATEWAY
    from gateway.tables import accounts
    from servicekit.db import make_engine

    settings = GATEWAY.settings(database_url=gateway_url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                environment="development", key_publish_seconds=0.0, max_body_bytes=1 << 20)
    engine = make_engine(gateway_url)
    made = sessionmaker(engine, expire_on_commit=False)
    token = Signer(made, settings).sign(subject="bench-desk", role="service_desk_agent", estates=estates)[0]
    account_id, now = uuid.uuid4(), datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(accounts).values(
            id=account_id, login="bench-desk", name="基准客服", role="service_desk_agent", password_hash="unused",
            must_change_password=False, disabled=False, failures=0, created_at=now, updated_at=now))
    opened = sessions.keep(GATEWAY.unit_of_work(made), account_id, "基准客服", {
        "access_token": token, "refresh_token": "unused", "expires_in": 3600, "refresh_expires_in": 3600,
        "role": "service_desk_agent", "estates": estates, "permissions": []})
    engine.dispose()
    signer = cookies.serializer(settings.keys_passphrase, purpose="staff console", salt="staff-console")
    return f"{frame.COOKIE}={signer.dumps({'csrf': uuid.uuid4().hex, 'sid': str(opened.id), 'key': opened.key})}", token


def main() -> None:
    from sqlalchemy.orm import sessionmaker

    from gateway.keys.use_cases import ensure_key
    from gateway.service import SERVICE as GATEWAY
    from servicekit.db import make_engine
    from servicekit.migrate import upgrade

    args = parse_args()
    print(f"4 services + the gateway, gunicorn {args.workers} workers x {args.threads} threads each; one client, "
          f"one request at a time; {args.tickets} open tickets; {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    server = configured_postgres()
    urls = {name: create_database(server, prefix=f"bench_console_{name}") for name in (*SERVICES, "gateway")}
    try:
        for name in SERVICES:
            upgrade(__import__(f"{name}.service", fromlist=["SERVICE"]).SERVICE, urls[name])
        upgrade(GATEWAY, urls["gateway"])
        seeded = seed(urls, args.tickets)
        engine = make_engine(urls["gateway"])
        ensure_key(GATEWAY.unit_of_work(sessionmaker(engine, expire_on_commit=False)), GATEWAY.settings(
            database_url=urls["gateway"], amqp_url="amqp://unused", port=0, log_level="WARNING",
            environment="development", key_publish_seconds=0.0, max_body_bytes=1 << 20))
        engine.dispose()
        second = directory(urls["owners"], args.directory)
        cookie, token = signed_in(urls["gateway"], [str(seeded["estate"]), second])
        gunicorn_args = argparse.Namespace(workers=args.workers, worker_class="gthread", threads=args.threads)
        with ExitStack() as stack:
            gateway_env = {"GATEWAY_DATABASE_URL": urls["gateway"], "GATEWAY_ENVIRONMENT": "development",
                           "LOG_LEVEL": "WARNING", "DATABASE_URL": urls["gateway"]}
            jwks_port = stack.enter_context(gunicorn("gateway.app:create_app()", gateway_env, gunicorn_args))
            ports: dict[str, int] = {}
            for name in SERVICES:
                env = {"DATABASE_URL": urls[name], "LOG_LEVEL": "WARNING", f"{name.upper()}_ENVIRONMENT": "development",
                       "JWT_JWKS_URL": f"http://127.0.0.1:{jwks_port}/.well-known/jwks.json"}
                ports[name] = stack.enter_context(gunicorn(f"{name}.app:create_app()", env, gunicorn_args))
            upstreams = ",".join(f"{name}=127.0.0.1:{port}" for name, port in ports.items())
            console = stack.enter_context(gunicorn("gateway.app:create_app()", gateway_env | {
                "GATEWAY_EDGE_UPSTREAMS": upstreams}, gunicorn_args))
            client = stack.enter_context(httpx.Client(timeout=30))
            page = {"Cookie": cookie}
            bearer = {"Authorization": f"Bearer {token}"}
            at = "http://127.0.0.1:{}{}".format
            results = {
                "queue page": timed(client, [at(console, "/console/queue?clear=1")] * args.pages, page, 5),
                "queue rows": timed(client, [at(console, "/console/queue/rows?since=2026-01-01T00:00:00")]
                                    * args.pages, page, 5),
                "tickets list": timed(client, [at(ports["tickets"], "/api/v1/tickets?status=open&page_size=100")]
                                      * args.pages, bearer, 5),
                "tickets list, due first": timed(client, [at(
                    ports["tickets"], "/api/v1/tickets?status=open&page_size=100&order=due")] * args.pages, bearer, 5),
            }
            words = [TYPED[i % len(TYPED)] for i in range(args.searches)]
            results["entry search"] = timed(client, [at(console, f"/console/entry/search?q={w}") for w in words],
                                            page, 10)
            results["people search"] = timed(client, [at(ports["owners"], f"/api/v1/people?q={w}&page_size=8")
                                                      for w in words], bearer, 10)
            for name, spent in results.items():
                report(name, spent)
            print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        for url in urls.values():
            drop_database(url)


if __name__ == "__main__":
    main()
