"""Benchmark: opening tickets through the front door (nginx, configured from the gateway's route
table) against the same tickets server straight, at 16 and 32 concurrent clients and at 16 paced
clients, in interleaved rounds.

    cd bench && ../.venv/bin/python front_door.py [--rounds 5] [--seconds 3] [--connections 16,32]
        [--paced 16] [--isolated-rounds 5] [--explore]

One tickets server (gunicorn serving ``tickets.app:create_app()``, 2 sync workers, on a fresh
PostgreSQL database, its copy of owners seeded as bench/tickets_create.py seeds it), one Redis of the
benchmark's own (``redis-server`` on a free port and a Unix socket, so that its CPU is the door's
alone) and one nginx per way in. wrk opens repair tickets through each way in turn:

* ``direct``: straight to gunicorn (the baseline);
* ``direct'``: straight to gunicorn again, measured as a way of its own: the difference it shows
  from ``direct`` is what the shared machine's noise alone makes of a difference (an A/A control);
* ``door``: ``/tickets/api/v1/tickets`` through the front door as replicas deploy it
  (``gateway.edge.nginx``, every request counted in the Redis every replica shares, over TCP, the
  busy caller's slots leased in batches as deployed: about a tenth of a second of its requests each;
  the limit raised out of the way but still counted);
* ``door-every``: the same door asking Redis on every request (leases off, ``rate_lease_seconds=0``):
  the door before leases, measured in the same run;
* ``door-alone``: the same door without a rate store, as one replica may run: nginx's own
  ``limit_req`` counts each caller in its memory;
* ``proxy``: a bare nginx ``proxy_pass`` (no Lua, no maps, no headers, no log): the floor of any
  proxy on this machine, whatever the door does.

``--explore`` adds the door's variants: the rate store over a Unix socket (``door-unix``), no limit at
all (``door-nolimit``), no waiting for another request's lease (``door-nowait``), leases of a second
of requests (``door-lease1s``), the access log buffered (``door-buflog``) or off (``door-nolog``), answers not
buffered (``door-nobuf``, ``proxy_buffering off``), no upstream keepalive (``door-nokeep``), nginx at a
higher scheduling priority (``door-prio``, ``worker_priority -5``), two nginx workers (``door-w2``), and
``nginx-200`` (nginx answering 200 itself: nginx's own latency under the same clients, not a ticket).

Each round measures every way once, in an order rotated from round to round, so that a change in the
machine's load weighs on each alike. For each way it prints the medians over the rounds of req/s,
p50 and p99, and, paired with ``direct`` of the same round, the median ratio and p50/p99 overheads
with their spread (lowest..highest round). It also prints each way's CPU per request, read from
/proc: the door's (nginx and Redis) and the service's (gunicorn and its PostgreSQL backends). That
figure moves far less with the machine's load than latencies do, and the door's share of it is about
the throughput a CPU-bound machine gives up to the door (and, by Little's law, the share of the
latency it adds at saturation).

Last, the door alone (``--isolated-rounds``, default 5; 0: none): the same requests through ``proxy``,
``door-alone``, ``door`` and ``door-every`` rendered in front of an nginx that answers 200 at once and
closes the connection as gunicorn's sync workers do, 32 clients, in interleaved rounds: each way's
CPU per request (its nginx and, for the doors counting in Redis, the benchmark's Redis) without the
ticket's 3 ms of CPU and its noise beside it. At thousands of requests a second nginx stays warm in
the caches, so these figures are a few times lower than the same door's beside the tickets (a
hundred or so requests a second, each waking a cold nginx): they rank the ways and size their
differences precisely; the figures per ticket above are the ones the aim turns on.

``--paced N`` (default 16; 0: none) adds a level of N clients that each wait between requests so that
they offer about half of what ``direct`` answered in the warm-up: below saturation, where a latency is
the request's own and not the queue's. With 2 sync workers any closed loop of more than 2 clients
saturates the server: at 16 and 32 clients the latency is mostly queueing (clients / throughput).
It prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from create_owner_api import ENSURE_SERVERS, WRK_DONE, cpu_seconds, free_port, gunicorn, lua_prelude, run_wrk
from tickets_create import AUDIENCE, ISSUER, WRK_SCRIPT, count_rows, seed

from gateway.edge import nginx
from servicekit.testing import configured_postgres, create_database, drop_database

PACE = "\nTHINK_MS = {think_ms}\nfunction delay() return THINK_MS end\n"


@dataclass
class Way:
    name: str
    port: int
    script: Path
    pids: list[int] = field(default_factory=list)  # the door's own processes (nginx, its Redis)
    rounds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # level -> wrk results


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="per way and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", default="16,32", help="the levels of concurrent clients")
    parser.add_argument("--paced", type=int, default=16, help="a level of N clients offering half the capacity")
    parser.add_argument("--explore", action="store_true", help="the door's variants too")
    parser.add_argument("--isolated-rounds", type=int, default=5,
                        help="rounds of the doors' own CPU in front of an nginx answering 200 (0: none)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--units", type=int, default=200)
    return parser.parse_args()


def service_pids(gunicorn_port: int, database_url: str) -> list[int]:
    """gunicorn's master (its workers are its children) and the PostgreSQL backends of the database."""
    from sqlalchemy import create_engine, text

    master = subprocess.run(["pgrep", "-o", "-f", "--", f"--bind 127.0.0.1:{gunicorn_port}"], capture_output=True,
                            text=True).stdout.split()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        backends = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND pid <> pg_backend_pid()")).scalars().all()
    engine.dispose()
    return [int(p) for p in master] + list(backends)


def nginx_conf(var: Path, port: int, body: str, *, workers: int = 1, prio: str = "") -> str:
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (var / "tmp" / name).mkdir(parents=True, exist_ok=True)
    temps = " ".join(f"{n}_temp_path {var / 'tmp' / n};" for n in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (("user root root;\n" if os.geteuid() == 0 else "") + f"worker_processes {workers};\n{prio}"
            f"pid {var / 'nginx.pid'};\nerror_log stderr warn;\nevents {{ worker_connections 4096; }}\n"
            f"http {{\n  {temps}\n  access_log off;\n  server {{\n    listen 127.0.0.1:{port};\n{body}  }}\n}}\n")


class Doors:
    """Every nginx of the run, started and stopped together."""

    def __init__(self, tmp: Path, nginx_bin: str) -> None:
        self.tmp, self.nginx_bin, self.processes = tmp, nginx_bin, []

    def start(self, name: str, conf: str, var: Path) -> tuple[int, int]:
        path = var / "nginx.conf"
        path.write_text(conf, encoding="utf-8")
        checked = subprocess.run([self.nginx_bin, "-t", "-p", str(var), "-c", str(path), "-e", "stderr"],
                                 capture_output=True, text=True)
        if checked.returncode:
            raise SystemExit(f"{name}: nginx refuses its configuration: {checked.stderr}")
        process = subprocess.Popen([self.nginx_bin, "-p", str(var), "-c", str(path), "-e", "stderr",
                                    "-g", "daemon off;"], stdout=subprocess.DEVNULL)
        self.processes.append(process)
        return process.pid

    def door(self, name: str, edge: nginx.Edge, *, edit: Any = None) -> tuple[int, int]:
        """The front door rendered as deployed (``edit``: a text change for a variant)."""
        var = self.tmp / name
        conf = nginx.write(edge, var, as_root=os.geteuid() == 0)
        text = conf.read_text()
        return edge.port, self.start(name, edit(text, var) if edit else text, var)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)


def redis_server(tmp: Path) -> tuple[subprocess.Popen[bytes], int, Path]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port, sock = free_port(), tmp / "redis.sock"
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--unixsocket", str(sock),
                                "--unixsocketperm", "700", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return process, port, sock


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def spread(values: list[float], fmt: str) -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}..{fmt.format(max(values))})"


def report(level: str, ways: list[Way], service_cpu: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    direct = ways[0].rounds[level]
    print(f"--- {level}")
    print(f"{'way':>13} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} | paired with direct, median (lowest..highest): "
          f"{'ratio':>17} {'p50 overhead ms':>22} {'p99 overhead ms':>22} | CPU us/request: door, service, door share")
    figures = {}
    for way in ways:
        rounds = way.rounds[level]
        ratios = [r["rps"] / d["rps"] for r, d in zip(rounds, direct, strict=True)]
        p50 = [(r["p50_us"] - d["p50_us"]) / 1000 for r, d in zip(rounds, direct, strict=True)]
        p99 = [(r["p99_us"] - d["p99_us"]) / 1000 for r, d in zip(rounds, direct, strict=True)]
        requests = sum(r["requests"] for r in rounds)
        door = service_cpu[way.name][f"{level} door"] / requests * 1e6
        service = service_cpu[way.name][f"{level} service"] / requests * 1e6
        bad = sum(r["non_2xx"] + r["socket_errors"] for r in rounds)
        print(f"{way.name:>13} {statistics.median(r['rps'] for r in rounds):7.1f} "
              f"{statistics.median(r['p50_us'] for r in rounds) / 1000:7.1f} "
              f"{statistics.median(r['p99_us'] for r in rounds) / 1000:7.1f} | "
              f"{spread(ratios, '{:.2f}'):>17} {spread(p50, '{:+.1f}'):>22} {spread(p99, '{:+.1f}'):>22} | "
              f"{door:5.0f} {service:6.0f} {door / max(door + service, 1e-9):6.1%}"
              + (f"   {bad} errors" if bad else ""))
        figures[way.name] = {"ratio": statistics.median(ratios), "p99": statistics.median(p99),
                             "p50": statistics.median(p50), "bad": bad, "share": door / max(door + service, 1e-9),
                             "direct_p99": statistics.median(d["p99_us"] for d in direct) / 1000}
    return figures


def main() -> None:
    from servicekit.auth import issue_token
    from servicekit.migrate import upgrade
    from servicekit.tokens import generate_keypair
    from tickets.service import SERVICE

    args = parse_args()
    if not shutil.which("wrk"):
        subprocess.run([str(ENSURE_SERVERS), "wrk", "nginx"], check=False)
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    if not shutil.which("wrk") or not Path(nginx_bin).exists() or not shutil.which("redis-server"):
        raise SystemExit(f"wrk, nginx and redis-server are needed; run as root: {ENSURE_SERVERS} wrk nginx redis")
    levels = [f"{c} clients" for c in args.connections.split(",")] + ([f"{args.paced} paced"] if args.paced else [])
    print(f"gunicorn --workers {args.workers} ({args.worker_class}); wrk -t{args.wrk_threads}; levels: "
          f"{', '.join(levels)}; {args.rounds} interleaved rounds of {args.seconds} s per way and level after "
          f"{args.warmup} s warm-up; {os.cpu_count()} CPUs; load average {load_average()}")
    url = create_database(configured_postgres(), prefix="bench_front_door")
    try:
        upgrade(SERVICE, url)
        estate_id, unit_ids = seed(url, args.units)
        private, public = generate_keypair()
        token = issue_token(private, subject="bench-desk", role="service_desk_agent", estates=[estate_id],
                            issuer=ISSUER, audience=AUDIENCE, ttl_seconds=3600)
        env = {"DATABASE_URL": url, "JWT_PUBLIC_KEY": public, "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE,
               "LOG_LEVEL": "WARNING"}
        with tempfile.TemporaryDirectory() as tmp_name, gunicorn("tickets.app:create_app()", env, args) as port:
            tmp = Path(tmp_name)
            redis, redis_port, sock = redis_server(tmp)
            doors = Doors(tmp, nginx_bin)
            try:
                before = count_rows(url)
                figures = measure(args, levels, tmp, doors, port, url, (redis, redis_port, sock),
                                  lua_prelude(estate_id, unit_ids, token) + WRK_SCRIPT + WRK_DONE)
                after = count_rows(url)
            finally:
                doors.stop()
                redis.terminate()
                redis.wait(timeout=30)
        print(f"written: {({t: after[t] - before[t] for t in after})}; load average {load_average()}")
        for level, ways in figures.items():
            for name in ("door", "door-every", "door-alone"):
                door = ways[name]
                print(f" {level}: {name} {door['ratio']:.2f} of direct (aim >= 0.90),"
                      f" p99 overhead {door['p99']:+.1f} ms "
                      f"(aim < 5 ms), p50 overhead {door['p50']:+.1f} ms" + ("" if "paced" in level else
                      f"; saturated, from its CPU: {door['share']:.1%} of a ticket's x direct's p99 "
                      f"{door['direct_p99']:.0f} ms = {door['share'] * door['direct_p99']:+.1f} ms"))
            control = ways["direct'"]
            print(f" {level}: beside them, the A/A control's p99 difference {control['p99']:+.1f} "
                  f"ms, the bare proxy's {ways['proxy']['p99']:+.1f} ms ({ways['proxy']['ratio']:.2f} of direct)")
        if any(w["bad"] for ways in figures.values() for w in ways.values()):
            raise SystemExit("errors answered (see the table)")
    finally:
        drop_database(url)


def measure(args: argparse.Namespace, levels: list[str], tmp: Path, doors: Doors, service_port: int, url: str,
            store: tuple[subprocess.Popen[bytes], int, Path], direct_script: str) -> dict[str, dict[str, Any]]:
    redis, redis_port, sock = store
    direct = tmp / "direct.lua"
    direct.write_text(direct_script)
    through = tmp / "door.lua"
    through.write_text(direct_script.replace('"/api/v1/tickets"', '"/tickets/api/v1/tickets"'))
    upstreams = {"tickets": f"127.0.0.1:{service_port}"}

    def edge(name: str, **changes: Any) -> nginx.Edge:
        port = free_port()
        settings = {"port": port, "rate": "100000r/s", "burst": 100000, "upstreams": upstreams,
                    "rate_store": f"redis://127.0.0.1:{redis_port}/0", "rate_prefix": f"edge:bench:{port}:", **changes}
        return nginx.Edge(**settings)

    ways = [Way("direct", service_port, direct), Way("direct'", service_port, direct)]

    def add(name: str, port_pid: tuple[int, int], script: Path = through, *own: int) -> None:
        port, pid = port_pid
        ways.append(Way(name, port, script, [pid, *own]))

    add("door", doors.door("door", edge("door")), through, redis.pid)
    add("door-every", doors.door("door-every", edge("door-every", rate_lease_seconds=0)), through, redis.pid)
    add("door-alone", doors.door("door-alone", edge("door-alone", rate_store=None)))
    proxy_port = free_port()
    proxy = (f"    location /tickets/ {{ proxy_http_version 1.1; proxy_set_header Connection ''; "
             f"proxy_pass http://127.0.0.1:{service_port}/; }}\n")
    add("proxy", (proxy_port, doors.start("proxy", nginx_conf(tmp / "proxy", proxy_port, proxy), tmp / "proxy")))
    if args.explore:
        unix = edge("door-unix", rate_store=f"unix://{sock}?db=0")
        add("door-unix", doors.door("door-unix", unix), through, redis.pid)
        unlimited = edge("door-nolimit", rate_store=None)
        add("door-nolimit", doors.door("door-nolimit", unlimited, edit=lambda t, v: t.replace(
            "limit_req zone=edge_callers burst=100000 nodelay;", "")))
        add("door-nolog", doors.door("door-nolog", edge("door-nolog"), edit=lambda t, v: t.replace(
            "access_log /dev/stdout edge;", "access_log off;")), through, redis.pid)
        add("door-nobuf", doors.door("door-nobuf", edge("door-nobuf"), edit=lambda t, v: t.replace(
            "proxy_http_version 1.1;", "proxy_http_version 1.1;\n        proxy_buffering off;")), through, redis.pid)
        add("door-nokeep", doors.door("door-nokeep", edge("door-nokeep"), edit=lambda t, v: t.replace(
            "        keepalive 32;\n", "")), through, redis.pid)
        add("door-buflog", doors.door("door-buflog", edge("door-buflog"), edit=lambda t, v: t.replace(
            "access_log /dev/stdout edge;", f"access_log {v / 'access.log'} edge buffer=64k flush=1s;")), through,
            redis.pid)
        def no_wait(text: str, var: Path) -> str:
            lua = var / "rate_limit.lua"
            lua.write_text(lua.read_text().replace("local LEASE_WAITS = 5", "local LEASE_WAITS = 0"))
            return text

        add("door-nowait", doors.door("door-nowait", edge("door-nowait"), edit=no_wait), through, redis.pid)
        add("door-lease1s", doors.door("door-lease1s", edge("door-lease1s", rate_lease_seconds=1.0)), through,
            redis.pid)
        add("door-prio", doors.door("door-prio", edge("door-prio"), edit=lambda t, v: t.replace(
            "worker_processes 1;", "worker_processes 1;\nworker_priority -5;")), through, redis.pid)
        add("door-w2", doors.door("door-w2", edge("door-w2", workers=2)), through, redis.pid)
        ok_port = free_port()
        ok = "    location / { return 200 '{}'; }\n"
        add("nginx-200", (ok_port, doors.start("nginx-200", nginx_conf(tmp / "ok", ok_port, ok), tmp / "ok")))
    if args.isolated_rounds:
        isolated(args, tmp, doors, edge, through, redis.pid)
    time.sleep(1)
    for way in ways:  # warm caches, pools and Lua
        run_wrk(way.port, way.script, args.warmup, 32, args.wrk_threads)
    think_ms = 0
    if args.paced:
        capacity = statistics.median(run_wrk(service_port, direct, args.warmup, 32, args.wrk_threads)["rps"]
                                     for _ in range(3))
        think_ms = max(1, round(args.paced / (capacity / 2) * 1000))
        print(f"paced: {args.paced} clients each waiting {think_ms} ms between requests "
              f"(about half of the {capacity:.0f} req/s direct answered in the warm-up, median of 3)")
        for way in ways:
            paced = way.script.with_name(way.script.stem + "-paced.lua")
            paced.write_text(way.script.read_text() + PACE.format(think_ms=think_ms))
    cpu: dict[str, dict[str, float]] = {way.name: {} for way in ways}
    for number in range(args.rounds):
        for level in levels:
            clients = int(level.split()[0])
            shift = number % len(ways)
            for way in ways[shift:] + ways[:shift]:
                script = way.script.with_name(way.script.stem + "-paced.lua") if "paced" in level else way.script
                service = service_pids(service_port, url)
                door0 = sum(cpu_seconds(p) for p in way.pids)
                service0 = sum(cpu_seconds(p) for p in service)
                result = run_wrk(way.port, script, args.seconds, clients, args.wrk_threads)
                cpu[way.name][f"{level} door"] = cpu[way.name].get(f"{level} door", 0.0) + sum(
                    cpu_seconds(p) for p in way.pids) - door0
                cpu[way.name][f"{level} service"] = cpu[way.name].get(f"{level} service", 0.0) + sum(
                    cpu_seconds(p) for p in service) - service0
                way.rounds.setdefault(level, []).append(result)
        print(f"round {number + 1} of {args.rounds}: load average {os.getloadavg()[0]:.1f}", flush=True)
    return {level: report(level, ways, cpu) for level in levels}


def isolated(args: argparse.Namespace, tmp: Path, doors: Doors, edge: Any, script: Path, redis_pid: int) -> None:
    """Each way's own CPU per request in front of an nginx answering 200 and closing (no ticket beside it)."""
    ok_port = free_port()
    ok = "    keepalive_timeout 0;\n    location / { return 200 '{}'; }\n"
    doors.start("isolated-200", nginx_conf(tmp / "isolated-200", ok_port, ok), tmp / "isolated-200")
    upstreams = {"tickets": f"127.0.0.1:{ok_port}"}
    proxy_port = free_port()
    proxy = (f"    location /tickets/ {{ proxy_http_version 1.1; proxy_set_header Connection ''; "
             f"proxy_pass http://127.0.0.1:{ok_port}/; }}\n")
    ways = [Way("proxy", proxy_port, script, [doors.start("isolated-proxy", nginx_conf(
                tmp / "isolated-proxy", proxy_port, proxy), tmp / "isolated-proxy")])]
    for name, changes, store in (("door-alone", {"rate_store": None}, []), ("door", {}, [redis_pid]),
                                 ("door-every", {"rate_lease_seconds": 0}, [redis_pid])):
        port, pid = doors.door(f"isolated-{name}", edge(name, upstreams=upstreams, **changes))
        ways.append(Way(name, port, script, [pid, *store]))
    time.sleep(1)
    for way in ways:
        run_wrk(way.port, way.script, args.warmup, 32, args.wrk_threads)
    per_request: dict[str, list[float]] = {way.name: [] for way in ways}
    for number in range(args.isolated_rounds):
        shift = number % len(ways)
        for way in ways[shift:] + ways[:shift]:
            before = sum(cpu_seconds(p) for p in way.pids)
            result = run_wrk(way.port, way.script, args.seconds, 32, args.wrk_threads)
            per_request[way.name].append((sum(cpu_seconds(p) for p in way.pids) - before) / result["requests"] * 1e6)
    print(f"--- the door alone: 32 clients in front of an nginx answering 200, {args.isolated_rounds} rounds; "
          f"load average {load_average()}")
    for way in ways:
        print(f"{way.name:>13} CPU us/request (nginx, and Redis for the doors counting in it): "
              f"{spread(per_request[way.name], '{:.0f}')}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    main()
