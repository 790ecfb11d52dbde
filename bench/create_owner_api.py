"""Benchmark: "create an owner" (POST /api/v1/people with a mobile and a move-in) against a bare
Flask insert, both under gunicorn with the same workers, 32 concurrent clients each.

    .venv/bin/python bench/create_owner_api.py [--rounds 3] [--seconds 5] [--workers 2] [--connections 32]

The owners app is the real one (``owners.app:create_app()``: JWT verification, validation, the
estate scope, masking, one transaction writing the person, contact point, occupancy and two
outbox rows). The bare app (``bare_app()`` below) parses the JSON body and inserts one person row
and one outbox row in one transaction with plain SQLAlchemy Core, with no auth and no validation.
Each gets a fresh PostgreSQL database migrated to the owners schema on the server of
TEST_DATABASE_URL / DATABASE_URL (default postgres@127.0.0.1); both are dropped.

Load comes from ``wrk`` (C; a Lua script makes every body unique), which takes far less CPU from
the servers than a Python client would on a small machine (Debian's ``wrk``, installed by
``deploy/scripts/ensure-servers.sh wrk`` when missing). Both apps
are served at once and loaded in alternating rounds (default 3 x 5 s each, ~15 s per app), so a
change in the machine's load weighs on both alike. Prints requests/s, p50 and p99 for both and
the ratio owners/bare, each app's CPU per request (its gunicorn processes and its database's
PostgreSQL backends, from /proc: the machine's load moves it far less than the latencies), and
checks that every answered request wrote its rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from servicekit.testing import configured_postgres, create_database, drop_database

BENCH_DIR = Path(__file__).resolve().parent
ENSURE_SERVERS = BENCH_DIR.parent / "deploy" / "scripts" / "ensure-servers.sh"
ISSUER, AUDIENCE = "bench", "estatedesk"
HZ = os.sysconf("SC_CLK_TCK")

WRK_SCRIPT = r"""
-- Every request a new owner: a unique name and mobile per wrk thread and request.
local counter, thread_id = 0, 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
end
request = function()
  counter = counter + 1
  local n = thread_id * 10000000 + counter
  local body = string.format(
    '{"estate_id":"%s","name":"业主%d","contact_points":[{"kind":"mobile","value":"13%09d","label":"本人"}],'
    .. '"occupancy":{"unit_id":"%s","role":"owner","moved_in_on":"2024-03-01"}}',
    ESTATE_ID, n, n, UNIT_IDS[(counter % #UNIT_IDS) + 1])
  return wrk.format("POST", "/api/v1/people", HEADERS, body)
end
"""

# How every API benchmark's wrk script reports: one WRK_RESULT line that run_wrk parses.
WRK_DONE = r"""
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def bare_app() -> Any:
    """The baseline: parse JSON, insert a person and an outbox row in one transaction, answer 201."""
    from flask import Flask, jsonify, request
    from sqlalchemy import create_engine, insert

    from owners.tables import outbox, people

    app = Flask("bare")
    engine = create_engine(os.environ["DATABASE_URL"])

    @app.post("/api/v1/people")
    def create_person() -> Any:
        body = request.get_json()
        now = datetime.now(UTC)
        row = {"id": uuid.uuid4(), "estate_id": uuid.UUID(body["estate_id"]), "name": body["name"],
               "created_at": now, "updated_at": now}
        event = {"type": "owners.person.registered.v1", "id": str(uuid.uuid4()), "data": body}
        with engine.begin() as conn:
            conn.execute(insert(people).values(row))
            conn.execute(insert(outbox.table).values(event_id=event["id"], event_type=event["type"],
                                                     source="/bench", body=json.dumps(event), created_at=now))
        return jsonify(id=str(row["id"])), 201

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok")

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(database_url: str, units: int) -> tuple[str, list[str]]:
    """An estate with one building of ``units`` units, through the owners use cases."""
    from sqlalchemy.orm import sessionmaker

    from owners.places.use_cases import add_building, add_unit, register_estate
    from owners.service import SERVICE
    from servicekit.db import make_engine

    engine = make_engine(database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    estate = register_estate(SERVICE.unit_of_work(sessions), code="BENCH", name="基准花园")
    building = add_building(SERVICE.unit_of_work(sessions), estate["id"], "1", "1栋", floors=40)
    unit_ids = [str(add_unit(SERVICE.unit_of_work(sessions), building["id"], f"1-{100 + i}")["id"])
                for i in range(units)]
    engine.dispose()
    return str(estate["id"]), unit_ids


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], args: argparse.Namespace) -> Any:
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
               "--workers", str(args.workers), "--worker-class", args.worker_class, "--threads", str(args.threads),
               "--backlog", "2048", "--log-level", "warning", "--pythonpath", str(BENCH_DIR), app_spec]
    process = subprocess.Popen(command, env={**os.environ, **env}, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer in 60 s")


def run_wrk(port: int, script: Path, seconds: int, connections: int, threads: int) -> dict[str, Any]:
    done = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                           "-s", str(script), f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK_RESULT "))
    result = json.loads(line.removeprefix("WRK_RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def count_rows(database_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from owners.tables import occupancies, outbox, people
    from servicekit.db import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in (people, occupancies, outbox.table)}
    engine.dispose()
    return counts


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its descendants (those alive now), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / HZ
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += sum(cpu_seconds(int(child)) for child in (task / "children").read_text().split())
        return total
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


class ServerCpu:
    """The CPU an app under gunicorn takes: its master and workers ("python") and the PostgreSQL
    backends connected to its database ("postgres"), read from /proc around each round. The machine's
    load moves this far less than it moves latencies."""

    def __init__(self, port: int, database_url: str) -> None:
        self.port, self.database_url = port, database_url
        self.totals = {"python": 0.0, "postgres": 0.0}

    def _pids(self) -> dict[str, list[int]]:
        from sqlalchemy import create_engine, text

        master = subprocess.run(["pgrep", "-o", "-f", "--", f"--bind 127.0.0.1:{self.port}"], capture_output=True,
                                text=True).stdout.split()
        engine = create_engine(self.database_url)
        with engine.connect() as conn:
            backends = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                         "AND pid <> pg_backend_pid()")).scalars().all()
        engine.dispose()
        return {"python": [int(p) for p in master], "postgres": [int(p) for p in backends]}

    @contextmanager
    def measuring(self) -> Any:
        pids = self._pids()  # the backends of the pool as it is after the warm-up
        before = {kind: sum(cpu_seconds(p) for p in found) for kind, found in pids.items()}
        yield
        for kind, found in pids.items():
            self.totals[kind] += sum(cpu_seconds(p) for p in found) - before[kind]


def summarise(name: str, rounds: list[dict[str, Any]], rows: dict[str, int],
              cpu: dict[str, float] | None = None) -> dict[str, Any]:
    """Throughput over all rounds; p50 and p99 as the median of the rounds' own percentiles; with
    ``cpu`` (seconds over the rounds), the CPU each request took."""
    requests = sum(r["requests"] for r in rounds)
    result = {"requests": requests, "rps": requests / (sum(r["duration_us"] for r in rounds) / 1e6),
              "p50_us": statistics.median(r["p50_us"] for r in rounds),
              "p99_us": statistics.median(r["p99_us"] for r in rounds),
              "non_2xx": sum(r["non_2xx"] for r in rounds), "socket_errors": sum(r["socket_errors"] for r in rounds),
              "rows": rows}
    per_round = ", ".join(f"{r['rps']:.0f}" for r in rounds)
    print(f"{name:>6}: {result['rps']:8.1f} req/s   p50 {result['p50_us'] / 1000:6.1f} ms   "
          f"p99 {result['p99_us'] / 1000:6.1f} ms   ({requests} requests, {result['non_2xx']} non-2xx, "
          f"{result['socket_errors']} socket errors; rounds: {per_round} req/s)")
    if cpu is not None and requests:
        result["cpu_ms"] = {kind: seconds * 1000 / requests for kind, seconds in cpu.items()}
        print(f"{'':>6}  CPU per request: Python {result['cpu_ms']['python']:.2f} ms, "
              f"PostgreSQL {result['cpu_ms']['postgres']:.2f} ms "
              f"(quiet 2-core ceiling ≈ {2000 / sum(result['cpu_ms'].values()):.0f} req/s)")
    return result


def measure_both(apps: dict[str, tuple[str, dict[str, str], Path]], args: argparse.Namespace,
                 rows: Callable[[str], dict[str, int]] | None = None) -> dict[str, Any]:
    """Serve both apps (the service's, then "bare") at once and load them in alternating rounds, so
    that a change in the machine's load (other processes) weighs on both alike. ``rows(url)`` counts
    what each wrote (owners' tables by default)."""
    rows = rows or count_rows
    before = {name: rows(env["DATABASE_URL"]) for name, (_, env, _) in apps.items()}
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in apps}
    service, bare = apps
    with gunicorn(apps[service][0], apps[service][1], args) as service_port, \
            gunicorn(apps[bare][0], apps[bare][1], args) as bare_port:
        ports = {service: service_port, bare: bare_port}
        for name, (_, _, script) in apps.items():
            run_wrk(ports[name], script, args.warmup, args.connections, args.wrk_threads)  # warm caches and pools
        cpu = {name: ServerCpu(ports[name], env["DATABASE_URL"]) for name, (_, env, _) in apps.items()}
        for i in range(args.rounds):
            for name in ([service, bare] if i % 2 == 0 else [bare, service]):
                with cpu[name].measuring():
                    rounds[name].append(run_wrk(ports[name], apps[name][2], args.seconds, args.connections,
                                                args.wrk_threads))
    results = {}
    for name, (_, env, _) in apps.items():
        after = rows(env["DATABASE_URL"])
        results[name] = summarise(name, rounds[name], {t: after[t] - before[name][t] for t in after},
                                  cpu[name].totals)
    return results


def check_rows(owners: dict[str, Any]) -> None:
    """Every created owner wrote a person, an occupancy and two outbox rows (warm-up included)."""
    written = owners["rows"]
    if owners["non_2xx"] or written["people"] < owners["requests"] or written["occupancies"] != written["people"] \
            or written["outbox"] != 2 * written["people"]:
        raise SystemExit(f"owners answered errors or wrote rows inconsistently: {written}")


def lua_prelude(estate_id: str, unit_ids: list[str], token: str | None) -> str:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    lua_headers = ", ".join(f'["{k}"] = "{v}"' for k, v in headers.items())
    units = ", ".join(f'"{u}"' for u in unit_ids)
    return f'ESTATE_ID = "{estate_id}"\nUNIT_IDS = {{{units}}}\nHEADERS = {{{lua_headers}}}\n'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per app")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--units", type=int, default=200)
    return parser.parse_args()


def run(owners_url: str, bare_url: str, args: argparse.Namespace, tmp: Path) -> dict[str, dict[str, Any]]:
    """Seed both databases, write the wrk scripts, measure both apps."""
    from owners.service import SERVICE
    from servicekit.auth import issue_token
    from servicekit.migrate import upgrade
    from servicekit.tokens import generate_keypair

    for url in (owners_url, bare_url):
        upgrade(SERVICE, url)
    estate_id, unit_ids = seed(owners_url, args.units)
    bare_estate, bare_units = seed(bare_url, 1)
    private, public = generate_keypair()
    token = issue_token(private, subject="bench-desk", role="service_desk_agent", estates=[estate_id],
                        issuer=ISSUER, audience=AUDIENCE, ttl_seconds=3600)
    owners_script, bare_script = tmp / "owners.lua", tmp / "bare.lua"
    owners_script.write_text(lua_prelude(estate_id, unit_ids, token) + WRK_SCRIPT + WRK_DONE)
    bare_script.write_text(lua_prelude(bare_estate, bare_units, None) + WRK_SCRIPT + WRK_DONE)
    owners_env = {"DATABASE_URL": owners_url, "JWT_PUBLIC_KEY": public, "JWT_ISSUER": ISSUER,
                  "JWT_AUDIENCE": AUDIENCE, "LOG_LEVEL": "WARNING"}
    return measure_both({"owners": ("owners.app:create_app()", owners_env, owners_script),
                         "bare": ("create_owner_api:bare_app()", {"DATABASE_URL": bare_url}, bare_script)}, args)


def compare_with_bare(name: str, run: Callable[[str, str, Any, Path], dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """The frame of an API benchmark beside its bare baseline: wrk made sure of, two databases of its
    own (made and dropped), ``run(service_url, bare_url, args, tmp)`` measuring both, the ratio printed.
    Returns the service's figures (``run``'s result under ``name``)."""
    args = parse_args()
    if not shutil.which("wrk"):
        # The same installer `make bench` uses: as root it installs Debian's wrk, otherwise it stops
        # with the exact command to run.
        subprocess.run([str(ENSURE_SERVERS), "wrk"], check=False)
        if not shutil.which("wrk"):
            raise SystemExit(f"wrk is not installed; run as root: {ENSURE_SERVERS} wrk")
    print(f"gunicorn --workers {args.workers} --worker-class {args.worker_class} --threads {args.threads}; "
          f"wrk -t{args.wrk_threads} -c{args.connections}, {args.rounds} alternating rounds of {args.seconds} s "
          f"per app after {args.warmup} s warm-up; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    service_url = create_database(configured_postgres(), prefix=f"bench_{name}_api")
    bare_url = create_database(configured_postgres(), prefix=f"bench_{name}_bare")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = run(service_url, bare_url, args, Path(tmp))
    finally:
        drop_database(service_url)
        drop_database(bare_url)
    measured, bare = results[name], results["bare"]
    p50, p99 = (measured[k] / max(bare[k], 1) for k in ("p50_us", "p99_us"))
    print(f" ratio: {measured['rps'] / bare['rps']:.2f} of bare (target >= 0.70)   p50 {p50:.2f}x   p99 {p99:.2f}x")
    if "cpu_ms" in measured and "cpu_ms" in bare:
        cpu_ratio = sum(bare["cpu_ms"].values()) / sum(measured["cpu_ms"].values())
        print(f" CPU: bare's CPU per request / {name}'s = {cpu_ratio:.2f} (the ratio a quiet machine would show)")
    return measured


def main() -> None:
    check_rows(compare_with_bare("owners", run))


if __name__ == "__main__":
    main()
