"""Benchmark: where the estate dashboard's CPU goes (GW-2), uncached, 16 clients, per process.

    cd bench && ../.venv/bin/python estate_dashboard.py [--seconds 5] [--connections 16] [--tickets 10000]
                                                         [--wave-answers 400]

The same world as gateway_views.py (its seed: one estate with ``--tickets`` open tickets with their
deadlines, 20 notices to 2,000 households each, 5,000 answers after tickets) and, so that the dashboard
shows a satisfaction, two waves of the estate (the earlier one for the trend) with ``--wave-answers``
submitted answers each with their ten scores. The four services and the gateway (gunicorn, 2 workers x
4 threads) with the dashboard uncached (``GATEWAY_OVERVIEW_KEEP_SECONDS=0``). wrk asks, one after the
other, the dashboard and then each backend call it makes alone, straight at its service (the baseline:
what the dashboard cannot cost less than, summed). For each it prints requests/s, p50/p95, and the CPU
per request of every process involved (utime+stime from /proc before and after: each gunicorn with its
workers, and the PostgreSQL backends of each service's database), summed and by process: on a loaded
machine CPU per request is the steadier guide (2 cores / CPU per request ≈ quiet throughput).
It prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from create_owner_api import ENSURE_SERVERS, gunicorn
from front_door import cpu_seconds
from gateway_views import SERVICES, run_wrk, seed

from servicekit.testing import configured_postgres, create_database, drop_database

WAVE_ANSWERS = """
INSERT INTO answers (id, estate_id, wave_id, questionnaire_version_id, channel, items, state, started_at, submitted_at)
SELECT md5(:wave || g)::uuid, :estate, CAST(:wave AS uuid), :version, 'link', '{}', 'submitted', now(), now()
FROM generate_series(1, :n) AS g
"""
WAVE_SCORES = """
INSERT INTO answer_scores (answer_id, code, element, estate_id, wave_id, building_id, score)
SELECT md5(:wave || g)::uuid, e.code, e.element, :estate, CAST(:wave AS uuid), :building,
       1 + (g * 7 + length(e.code)) % 5
FROM generate_series(1, :n) AS g
CROSS JOIN unnest(CAST(:codes AS text[]), CAST(:elements AS text[])) AS e(code, element)
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--tickets", type=int, default=10_000, help="open tickets of the estate")
    parser.add_argument("--wave-answers", type=int, default=400, help="answers to each of the estate's two waves")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    return parser.parse_args()


def seed_waves(url: str, estate: str, answers: int) -> None:
    """Two waves of the estate (2026-Q3 closed, 2026-Q4 open) with ``answers`` answers each, all scored."""
    from sqlalchemy import insert, select, text

    from servicekit.db import make_engine
    from surveys.domain.questionnaires import DEFAULT_VERSION_ID, ELEMENT_CODES
    from surveys.tables import buildings, waves

    engine = make_engine(url)
    with engine.begin() as db:
        building = db.execute(select(buildings.c.id).where(buildings.c.estate_id == estate)).scalars().first()
        for period, opens, state in (("2026-Q3", date(2026, 7, 1), "closed"), ("2026-Q4", date(2026, 10, 1), "open")):
            wave_id = uuid.uuid4()
            db.execute(insert(waves).values(
                id=wave_id, estate_id=estate, period=period, questionnaire_version_id=DEFAULT_VERSION_ID,
                percent=20, lookback=4, seed=1, households=answers * 5, sampled=answers, opens_on=opens,
                closes_on=date(2026, 12, 31), opens_at=datetime.combine(opens, datetime.min.time(), UTC),
                closes_at=datetime(2027, 1, 1, tzinfo=UTC), invited_at=datetime.now(UTC), reminder_days=[],
                state=state, opened_by="bench", opened_at=datetime.now(UTC), version=1))
            params = {"wave": str(wave_id), "estate": estate, "n": answers}
            db.execute(text(WAVE_ANSWERS), {**params, "version": DEFAULT_VERSION_ID})
            db.execute(text(WAVE_SCORES), {**params, "building": building, "codes": [*ELEMENT_CODES, "overall"],
                                           "elements": [*ELEMENT_CODES, None]})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def backends_of(urls: dict[str, str]) -> dict[str, list[int]]:
    """The PostgreSQL backends of each database (the pools' connections), by service."""
    from sqlalchemy import create_engine, text

    found: dict[str, list[int]] = {}
    for name, url in urls.items():
        engine = create_engine(url)
        with engine.connect() as conn:
            found[name] = list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                                                 " AND pid <> pg_backend_pid()")).scalars())
        engine.dispose()
    return found


def masters() -> dict[int, int]:
    """Each gunicorn master's pid by the port it binds (its workers are its children)."""
    found = {}
    for line in subprocess.run(["pgrep", "-a", "-f", "gunicorn --bind 127.0.0.1:"], capture_output=True,
                               text=True).stdout.splitlines():
        pid, command = line.split(" ", 1)
        port = int(command.split("--bind 127.0.0.1:", 1)[1].split()[0])
        found.setdefault(port, int(pid))
        found[port] = min(found[port], int(pid))
    return found


def measured(port: int, path: str, token: str, args: argparse.Namespace, tmp: Path, processes: dict[str, int],
             urls: dict[str, str]) -> dict[str, Any]:
    """One wrk run with the CPU each process spent in it, in ms per request."""
    pids = dict(processes)
    for name, backend_pids in backends_of(urls).items():
        pids.update({f"pg {name} {pid}": pid for pid in backend_pids})
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    result = run_wrk(port, path, token, args.seconds, args.connections, tmp)
    after_pids = dict(processes)
    for name, backend_pids in backends_of(urls).items():  # a backend opened during the run counts whole
        after_pids.update({f"pg {name} {pid}": pid for pid in backend_pids})
    spent: dict[str, float] = {}
    for name, pid in after_pids.items():
        label = " ".join(name.split()[:2]) if name.startswith("pg ") else name
        spent[label] = spent.get(label, 0.0) + cpu_seconds(pid) - before.get(name, 0.0)
    requests = max(result["requests"], 1)
    result["cpu_ms"] = {label: seconds * 1000 / requests for label, seconds in spent.items() if seconds > 0.0005}
    return result


def main() -> None:
    from sqlalchemy.orm import sessionmaker

    from gateway.keys.signing import Signer
    from gateway.keys.use_cases import ensure_key
    from gateway.service import SERVICE as GATEWAY
    from servicekit.db import make_engine
    from servicekit.migrate import upgrade

    args = parse_args()
    if not shutil.which("wrk"):
        subprocess.run([str(ENSURE_SERVERS), "wrk"], check=False)
    if not shutil.which("wrk"):
        raise SystemExit(f"wrk is needed; run as root: {ENSURE_SERVERS} wrk")
    print(f"4 services + the gateway, gunicorn {args.workers} workers x {args.threads} threads each; wrk -c"
          f"{args.connections} {args.seconds} s each; {args.tickets} open tickets, {args.wave_answers} answers a wave;"
          f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    server = configured_postgres()
    urls = {name: create_database(server, prefix=f"bench_dash_{name}") for name in (*SERVICES, "gateway")}
    try:
        for name in SERVICES:
            upgrade(__import__(f"{name}.service", fromlist=["SERVICE"]).SERVICE, urls[name])
        upgrade(GATEWAY, urls["gateway"])
        seeded = seed(urls, args.tickets)
        estate = seeded["estate"]
        if args.wave_answers:
            seed_waves(urls["surveys"], estate, args.wave_answers)
        gateway_settings = GATEWAY.settings(database_url=urls["gateway"], amqp_url="amqp://unused", port=0,
                                            log_level="WARNING", environment="development", key_publish_seconds=0.0,
                                            max_body_bytes=1 << 20)
        engine = make_engine(urls["gateway"])
        sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_key(GATEWAY.unit_of_work(sessions), gateway_settings)
        token = Signer(sessions, gateway_settings).sign(subject="bench-manager", role="estate_manager",
                                                        estates=[estate])[0]
        engine.dispose()
        gunicorn_args = argparse.Namespace(workers=args.workers, worker_class="gthread", threads=args.threads)
        with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            gateway_env = {"GATEWAY_DATABASE_URL": urls["gateway"], "GATEWAY_ENVIRONMENT": "development",
                           "LOG_LEVEL": "WARNING", "DATABASE_URL": urls["gateway"]}
            jwks_port = stack.enter_context(gunicorn("gateway.app:create_app()", gateway_env, gunicorn_args))
            ports = {}
            for name in SERVICES:
                env = {"DATABASE_URL": urls[name], "LOG_LEVEL": "WARNING", f"{name.upper()}_ENVIRONMENT": "development",
                       "JWT_JWKS_URL": f"http://127.0.0.1:{jwks_port}/.well-known/jwks.json"}
                ports[name] = stack.enter_context(gunicorn(f"{name}.app:create_app()", env, gunicorn_args))
            upstreams = ",".join(f"{name}=127.0.0.1:{port}" for name, port in ports.items())
            ports["gateway"] = stack.enter_context(gunicorn("gateway.app:create_app()", gateway_env | {
                "GATEWAY_EDGE_UPSTREAMS": upstreams, "GATEWAY_OVERVIEW_KEEP_SECONDS": "0"}, gunicorn_args))
            by_port = masters()
            processes = {name: by_port[port] for name, port in ports.items()}
            processes["gateway jwks"] = by_port[jwks_port]
            query = f"estate_id={estate}"
            targets = {"dashboard": (ports["gateway"], f"/api/v1/overview/estates/{estate}"),
                       "tickets at-a-glance": (ports["tickets"], f"/api/v1/reports/at-a-glance?{query}"),
                       "notify reach": (ports["notify"], f"/api/v1/notices/reach?{query}"),
                       "surveys at-a-glance": (ports["surveys"], f"/api/v1/at-a-glance?{query}")}
            for port, path in targets.values():
                run_wrk(port, path, token, args.warmup, args.connections, tmp)
            pg_urls = {name: urls[name] for name in SERVICES}
            results = {name: measured(port, path, token, args, tmp, processes, pg_urls)
                       for name, (port, path) in targets.items()}
            backend_sum = 0.0
            for name, result in results.items():
                cpu = result["cpu_ms"]
                total = sum(cpu.values())
                if name != "dashboard":
                    backend_sum += total
                print(f"{name:>22}: {result['rps']:7.1f} req/s  p50 {result['p50_us'] / 1000:6.1f} ms  p95 "
                      f"{result['p95_us'] / 1000:6.1f} ms  ({result['non_2xx']} non-2xx, {result['errors']} errors)"
                      f"  CPU {total:5.1f} ms/request: " + ", ".join(
                          f"{label} {ms:.1f}" for label, ms in sorted(cpu.items(), key=lambda kv: -kv[1])))
            print(f"{'baseline':>22}: the backend calls alone, summed: CPU {backend_sum:5.1f} ms per dashboard;"
                  f" load average now {os.getloadavg()[0]:.1f}")
    finally:
        for url in urls.values():
            drop_database(url)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
