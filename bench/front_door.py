"""Benchmark: opening tickets through the front door (nginx, configured from the gateway's route
table) against the same tickets server straight, 32 concurrent clients each, in alternating rounds.

    .venv/bin/python bench/front_door.py [--rounds 3] [--seconds 5] [--workers 2] [--connections 32]

One tickets server (gunicorn serving ``tickets.app:create_app()`` on a fresh PostgreSQL database,
its copy of owners seeded as bench/tickets_create.py seeds it) and one nginx in front of it
(``gateway.edge.nginx``, the rate limit raised out of the way but still counted, per request, in the
Redis of ``REDIS_URL`` as every replica does); wrk opens repair tickets on each URL
in turn: ``direct`` (the baseline) and ``door`` (``/tickets/api/v1/tickets`` through nginx). Prints
requests/s, p50 and p99 for both, the throughput ratio door/direct (aim >= 0.90) and the p99
overhead (aim < 5 ms). It prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from create_owner_api import ENSURE_SERVERS, WRK_DONE, free_port, gunicorn, lua_prelude, parse_args, run_wrk, summarise
from tickets_create import AUDIENCE, ISSUER, WRK_SCRIPT, count_rows, seed

from gateway.edge import nginx
from servicekit.testing import configured_postgres, create_database, drop_database


def door_script(script: str) -> str:
    """The same requests, addressed to the front door's prefix."""
    return script.replace('"/api/v1/tickets"', '"/tickets/api/v1/tickets"')


def main() -> None:
    from servicekit.auth import issue_token
    from servicekit.migrate import upgrade
    from servicekit.tokens import generate_keypair
    from tickets.service import SERVICE

    args = parse_args()
    if not shutil.which("wrk"):
        subprocess.run([str(ENSURE_SERVERS), "wrk", "nginx"], check=False)
    nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
    if not shutil.which("wrk") or not Path(nginx_bin).exists():
        raise SystemExit(f"wrk and nginx are needed; run as root: {ENSURE_SERVERS} wrk nginx")
    print(f"gunicorn --workers {args.workers}; nginx 1 worker; wrk -t{args.wrk_threads} -c{args.connections}, "
          f"{args.rounds} alternating rounds of {args.seconds} s after {args.warmup} s warm-up; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
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
            direct = tmp / "direct.lua"
            direct.write_text(lua_prelude(estate_id, unit_ids, token) + WRK_SCRIPT + WRK_DONE)
            through = tmp / "door.lua"
            through.write_text(door_script(direct.read_text()))
            door_port = free_port()
            # As deployed: every request counted in the Redis every replica shares (gateway.edge.rate_limit).
            store = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
            edge = nginx.Edge(port=door_port, rate="100000r/s", burst=100000, rate_store=store,
                              rate_prefix=f"edge:bench:{door_port}:", upstreams={"tickets": f"127.0.0.1:{port}"})
            conf = nginx.write(edge, tmp / "edge", as_root=os.geteuid() == 0)
            proxy = subprocess.Popen([nginx_bin, "-p", str(tmp / "edge"), "-c", str(conf), "-e", "stderr",
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL)
            try:
                time.sleep(1)
                before = count_rows(url)
                ports = {"direct": (port, direct), "door": (door_port, through)}
                for p, script in ports.values():  # warm caches and pools
                    run_wrk(p, script, args.warmup, args.connections, args.wrk_threads)
                rounds: dict[str, list] = {"direct": [], "door": []}
                for i in range(args.rounds):
                    for name in (["direct", "door"] if i % 2 == 0 else ["door", "direct"]):
                        p, script = ports[name]
                        rounds[name].append(run_wrk(p, script, args.seconds, args.connections, args.wrk_threads))
                after = count_rows(url)
            finally:
                proxy.terminate()
                proxy.wait(timeout=30)
        written = {t: after[t] - before[t] for t in after}
        results = {name: summarise(name, rounds[name], written) for name in ("direct", "door")}
        d, g = results["direct"], results["door"]
        print(f" ratio: {g['rps'] / d['rps']:.2f} of direct (aim >= 0.90)   "
              f"p99 overhead {(g['p99_us'] - d['p99_us']) / 1000:+.1f} ms (aim < 5 ms)   "
              f"p50 overhead {(g['p50_us'] - d['p50_us']) / 1000:+.1f} ms")
        if d["non_2xx"] or g["non_2xx"]:
            raise SystemExit(f"errors answered: direct {d['non_2xx']}, door {g['non_2xx']}")
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
