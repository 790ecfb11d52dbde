"""Benchmark: the gateway's token endpoints under gunicorn, 32 concurrent clients each, beside the
gateway's own cheapest answer (its JWKS) in the same run.

    .venv/bin/python bench/gateway_tokens.py [--rounds 3] [--seconds 5] [--workers 2] [--connections 32]

* ``client_credentials``: ``POST /api/v1/oauth/token`` (Authlib: the client authenticated by HTTP
  Basic against its hashed secret, the token signed with the current key, an audit row);
* ``owner_code``: ``POST /api/v1/owner-sign-in`` with a mobile and its one-time code (the code SMS
  excluded: each request uses one of the codes written beforehand, one per person of the copy);
* ``jwks``: ``GET /.well-known/jwks.json`` (the baseline: one read of the keys);
* ``keys_read_per_token``: client credentials again from a gateway that reads the keys' lives for
  every token (``GATEWAY_KEY_PUBLISH_SECONDS=0``: the signer keeps nothing), as before it kept them.

A fresh PostgreSQL database of its own (made and dropped). Prints requests/s, p50 and p99 of each.
It prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from create_owner_api import ENSURE_SERVERS, WRK_DONE, gunicorn, parse_args, run_wrk, summarise

from servicekit.testing import configured_postgres, create_database, drop_database

CODE = "123456"
PASSPHRASE = "bench-gateway-keys-passphrase"

TOKEN_SCRIPT = r"""
request = function()
  return wrk.format("POST", "/api/v1/oauth/token", HEADERS, "grant_type=client_credentials")
end
"""

CODE_SCRIPT = r"""
local counter, thread_id = 0, 0
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end
function init(args)
  thread_id = tonumber(wrk.thread:get("thread_id")) or 0
end
request = function()
  counter = counter + 1
  local mobile = MOBILES[(thread_id * PER_THREAD + counter - 1) % #MOBILES + 1]
  return wrk.format("POST", "/api/v1/owner-sign-in", HEADERS,
    string.format('{"mobile":"%s","code":"%s"}', mobile, CODE))
end
"""

JWKS_SCRIPT = r"""
request = function()
  return wrk.format("GET", "/.well-known/jwks.json")
end
"""


def seed(url: str, people_count: int) -> tuple[str, str, list[str]]:
    """A signing key, a client (its id and secret), and people of the copy each with a live code."""
    from sqlalchemy import insert
    from sqlalchemy.orm import sessionmaker

    from gateway.clients.use_cases import register
    from gateway.domain.codes import code_hash
    from gateway.keys.use_cases import ensure_key
    from gateway.service import SERVICE
    from gateway.tables import login_codes, occupancies, people
    from servicekit.auth import Principal
    from servicekit.db import make_engine

    settings = SERVICE.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                max_body_bytes=65536, keys_passphrase=PASSPHRASE, code_seconds=3600)
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ensure_key(SERVICE.unit_of_work(sessions), settings)
    client = register(SERVICE.unit_of_work(sessions), Principal("bench", "operator_admin", None),
                      name="bench", scopes=["tickets:write"], estates=["*"])
    estate, now = uuid.uuid4(), datetime.now(UTC)
    mobiles = [f"139{n:08d}" for n in range(people_count)]
    person_ids = [uuid.uuid4() for _ in mobiles]
    with engine.begin() as conn:
        conn.execute(insert(people), [{"id": p, "estate_id": estate, "name": "业主", "mobile": m, "version": 1}
                                      for p, m in zip(person_ids, mobiles, strict=True)])
        conn.execute(insert(occupancies), [{"id": uuid.uuid4(), "estate_id": estate, "unit_id": uuid.uuid4(),
                                            "person_id": p, "role": "owner", "version": 1} for p in person_ids])
        conn.execute(insert(login_codes), [
            {"id": uuid.uuid4(), "mobile": m, "code_hash": code_hash(PASSPHRASE, m, CODE), "client_address": None,
             "created_at": now, "expires_at": now + timedelta(hours=1), "tries": 0} for m in mobiles])
    engine.dispose()
    return client["client_id"], client["client_secret"], mobiles


def main() -> None:
    from gateway.service import SERVICE
    from servicekit.migrate import upgrade

    args = parse_args()
    if not shutil.which("wrk"):
        subprocess.run([str(ENSURE_SERVERS), "wrk"], check=False)
        if not shutil.which("wrk"):
            raise SystemExit(f"wrk is not installed; run as root: {ENSURE_SERVERS} wrk")
    print(f"gunicorn --workers {args.workers}; wrk -t{args.wrk_threads} -c{args.connections}, {args.rounds} rounds of "
          f"{args.seconds} s after {args.warmup} s warm-up; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    url = create_database(configured_postgres(), prefix="bench_gateway_tokens")
    try:
        upgrade(SERVICE, url)
        # Enough codes that no request reuses one (a used code is a 401, counted as an error).
        client_id, secret, mobiles = seed(url, 40000)
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        env = {"DATABASE_URL": url, "GATEWAY_KEYS_PASSPHRASE": PASSPHRASE, "GATEWAY_ENVIRONMENT": "development",
               "LOG_LEVEL": "WARNING"}
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            scripts = {
                "jwks": JWKS_SCRIPT,
                "client_credentials": (f'HEADERS = {{["Content-Type"] = "application/x-www-form-urlencoded", '
                                       f'["Authorization"] = "Basic {basic}"}}\n' + TOKEN_SCRIPT),
                "owner_code": ('HEADERS = {["Content-Type"] = "application/json"}\n'
                               f'CODE = "{CODE}"\nPER_THREAD = {len(mobiles) // max(args.wrk_threads, 1)}\n'
                               "MOBILES = {" + ", ".join(f'"{m}"' for m in mobiles) + "}\n" + CODE_SCRIPT),
            }
            paths = {}
            for name, text in scripts.items():
                paths[name] = tmp / f"{name}.lua"
                paths[name].write_text(text + WRK_DONE)
            with gunicorn("gateway.app:create_app()", env, args) as port:
                run_wrk(port, paths["jwks"], args.warmup, args.connections, args.wrk_threads)
                rounds: dict[str, list] = {name: [] for name in scripts}
                for _ in range(args.rounds):
                    for name in ("jwks", "client_credentials"):
                        rounds[name].append(run_wrk(port, paths[name], args.seconds, args.connections,
                                                    args.wrk_threads))
                # Codes are used once: one round of sign-ins, as many as the codes allow.
                rounds["owner_code"].append(run_wrk(port, paths["owner_code"], args.seconds, args.connections,
                                                    args.wrk_threads))
            # The same client credentials with the keys read for every token, as before the signer kept
            # them: with no publish lead it keeps nothing (gateway.keys.signing).
            with gunicorn("gateway.app:create_app()", {**env, "GATEWAY_KEY_PUBLISH_SECONDS": "0"}, args) as port:
                run_wrk(port, paths["jwks"], args.warmup, args.connections, args.wrk_threads)
                rounds["keys_read_per_token"] = [
                    run_wrk(port, paths["client_credentials"], args.seconds, args.connections, args.wrk_threads)
                    for _ in range(args.rounds)]
        results = {name: summarise(name[:6], rounds[name], {}) for name in rounds}
        base = results["jwks"]["rps"]
        print(f" client credentials tokens: {results['client_credentials']['rps']:.0f}/s "
              f"({results['client_credentials']['rps'] / base:.2f} of the JWKS baseline; with the keys read per "
              f"token {results['keys_read_per_token']['rps']:.0f}/s); owner code sign-ins: "
              f"{results['owner_code']['rps']:.0f}/s ({results['owner_code']['rps'] / base:.2f} of it)")
        for name, result in results.items():
            if result["non_2xx"]:
                print(f" {name}: {result['non_2xx']} answers were not 2xx")
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
