"""Benchmark: the gateway's aggregated views (GW-2) with every service up, 16 concurrent clients.

    .venv/bin/python bench/gateway_views.py [--seconds 5] [--rounds 3] [--connections 16] [--tickets 10000]
                                            [--wave-answers 400] [--only person [--only baseline ...]]

owners, tickets, notify and surveys (gunicorn, each on a fresh PostgreSQL database) and the gateway in
front of them; the services verify the gateway's tokens from its JWKS, as deployed. One estate with
``--tickets`` open tickets (each with its deadlines, some warned or breached this month) on 500 units,
3 of them on the person's own unit; 20 notices of the last 20 days to 2,000 households each (the
person one of them; every household's SMS delivered, with its history); 5,000 answers, 4 the
person's; two waves of the estate (the earlier one for the trend) with ``--wave-answers`` scored
answers each, so the dashboard shows a satisfaction. wrk asks, in alternating rounds:

* ``person``: a person's whole picture (``GET /api/v1/overview/people/{id}``: four calls to four
  services at once), aim p95 < 100 ms;
* ``estate``: the estate's dashboard uncached (``GATEWAY_OVERVIEW_KEEP_SECONDS=0``: tickets counts the
  open tickets by stage and this month's warnings and breaches, notify the reach of 40,000 households,
  surveys the follow-up work and the latest wave), aim p95 < 200 ms; and ``estate kept`` (5 s);
* ``baseline``: owners' ``GET /api/v1/people/{id}`` straight, the cheapest call the picture makes;
* ``estate calls``: each call the dashboard makes, alone, straight at its service (tickets'
  at-a-glance, notify's reach, surveys' at-a-glance): summed, what the dashboard cannot cost less than.

Prints requests/s, p50, p95 and p99 of each, and the CPU time (utime + stime from /proc) each request
cost each process involved: the gateway, each service (gunicorn master and workers), their PostgreSQL
backends and wrk. On a loaded machine the CPU per request is the steadier guide: on a quiet one,
throughput ≈ cores / total CPU per request. It prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from create_owner_api import ENSURE_SERVERS, gunicorn
from surveys_statistics import ANSWERS as WAVE_ANSWERS

from servicekit.testing import configured_postgres, create_database, drop_database

SERVICES = ("owners", "tickets", "notify", "surveys")
GET_SCRIPT = r"""
request = function()
  return wrk.format("GET", PATH, HEADERS)
end
function done(summary, latency, requests)
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"non_2xx":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
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
    parser.add_argument("--seconds", type=int, default=5, help="per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--tickets", type=int, default=10_000, help="open tickets of the estate")
    parser.add_argument("--wave-answers", type=int, default=400, help="answers to each of the estate's two waves")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--only", action="append",
                        choices=("baseline", "person", "estate", "estate kept", "estate calls"),
                        help="run only these views (repeatable); all of them when absent")
    return parser.parse_args()


def seed(urls: dict[str, str], tickets_count: int, persons_tickets: int = 3, notices_count: int = 20,
         households: int = 2000) -> dict[str, Any]:
    """The estate in owners (through its API), the copies filled by applying owners' events through
    each consumer's handlers, a ticket opened through tickets' API and copied to ``tickets_count`` open
    tickets with their deadlines (``persons_tickets`` of them the person's); in notify ``notices_count``
    notices to ``households`` households each, the person among them; in surveys the person's answers
    among the estate's."""
    from sqlalchemy import select, text
    from sqlalchemy.orm import Session

    from servicekit.auth import TokenVerifier, issue_token
    from servicekit.db import make_engine
    from servicekit.envelope import parse
    from servicekit.tokens import generate_keypair
    from servicekit.webapp import create_service_app

    private, public = generate_keypair()
    services = {name: __import__(f"{name}.service", fromlist=["SERVICE"]).SERVICE for name in SERVICES}

    def client(name: str) -> Any:
        service = services[name]
        settings = service.settings(database_url=urls[name], amqp_url="amqp://unused", port=0, log_level="WARNING",
                                    max_body_bytes=1 << 20)
        verifier = TokenVerifier(public, issuer="seed", audience="estatedesk", roles=service.roles)
        return create_service_app(service, settings, verifier).test_client()

    admin = {"Authorization": "Bearer " + issue_token(private, subject="seed", role="operator_admin", estates=["*"],
                                                       issuer="seed", audience="estatedesk", ttl_seconds=600)}
    owners = client("owners")
    estate = owners.post("/api/v1/estates", json={"code": "BENCH", "name": "基准花园"}, headers=admin).json["id"]
    building = owners.post(f"/api/v1/estates/{estate}/buildings", json={"code": "1", "name": "1栋", "floors": 30},
                           headers=admin).json["id"]
    unit = owners.post(f"/api/v1/buildings/{building}/units", json={"number": "1-101"}, headers=admin).json["id"]
    person = owners.post("/api/v1/people", headers=admin, json={
        "estate_id": estate, "name": "张伟", "contact_points": [{"kind": "mobile", "value": "13812345678"}],
        "occupancy": {"unit_id": unit, "role": "owner", "moved_in_on": "2024-03-01"}}).json["id"]
    engines = {name: make_engine(url) for name, url in urls.items() if name in SERVICES}
    with engines["owners"].connect() as conn:
        table = services["owners"].outbox.table
        events = [parse(r.body) for r in conn.execute(select(table).order_by(table.c.seq))]
    for name in ("tickets", "notify", "surveys"):
        handlers = services[name].event_handlers()
        with Session(engines[name]) as session, session.begin():
            for event in events:
                if event.type in handlers:
                    handlers[event.type](session, event)
    opened = client("tickets").post("/api/v1/tickets", headers=admin, json={
        "estate_id": estate, "unit_id": unit, "person_id": person, "kind": "inquiry", "title": "物业费怎么交"})
    assert opened.status_code == 201, opened.json
    columns = [c.name for c in services["tickets"].metadata.tables["tickets"].columns]
    # The copies: ``persons_tickets - 1`` more on the person's unit, the rest on 500 other units of the
    # estate (a person has a few open tickets; the estate has ``tickets_count``).
    copied = ", ".join(("gen_random_uuid()" if c == "id" else "'B' || lpad(g::text, 9, '0')" if c == "number"
                        else "NULL::uuid" if c == "person_id" else "created_at - g * interval '1 minute'"
                        if c == "created_at" else f"CASE WHEN g < {persons_tickets} THEN unit_id ELSE "
                        "('00000000-0000-4000-8000-' || lpad((g % 500)::text, 12, '0'))::uuid END" if c == "unit_id"
                        else c) + f" AS {c}" for c in columns)
    deadline_columns = [c.name for c in services["tickets"].metadata.tables["deadlines"].columns]
    # Each copy has the opened ticket's deadlines; one in ten warned this month, one in thirty breached.
    copied_deadline = ", ".join(
        "gen_random_uuid()" if c == "id" else "t.id" if c == "ticket_id"
        else "CASE WHEN t.g % 10 = 0 THEN now() - (t.g % 20) * interval '1 hour' END" if c == "warned_at"
        else "CASE WHEN t.g % 30 = 0 THEN now() - (t.g % 20) * interval '1 hour' END" if c == "breached_at"
        else f"d.{c}" for c in deadline_columns)
    with engines["tickets"].begin() as conn:
        conn.execute(text(f"CREATE TEMP TABLE copies ON COMMIT DROP AS SELECT g, {copied} FROM tickets, "
                          f"generate_series(1, :n) AS g WHERE id = :id"),
                     {"n": tickets_count - 1, "id": opened.json["id"]})
        conn.execute(text(f"INSERT INTO tickets ({', '.join(columns)}) SELECT {', '.join(columns)} FROM copies"))
        conn.execute(text(f"INSERT INTO deadlines ({', '.join(deadline_columns)}) SELECT {copied_deadline} "
                          f"FROM (SELECT id, g FROM copies) AS t, deadlines AS d WHERE d.ticket_id = :id"),
                     {"id": opened.json["id"]})
    seed_notices(engines["notify"], estate, person, unit, notices_count, households)
    seed_answers(engines["surveys"], estate, person, unit)
    for engine in engines.values():
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # as autovacuum would have: visibility map and statistics
    for engine in engines.values():
        engine.dispose()
    return {"estate": estate, "person": person}


def seed_notices(engine: Any, estate: str, person: str, unit: str, count: int, households: int) -> None:
    """``count`` notices sent to ``households`` households each (the person one of them), each household's
    SMS delivered after two states of history: what a person's notices are looked up among. Each is
    then completed by notify's own completion (its reach kept on it, its events in the outbox)."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from notify.tracking.completion import complete_finished

    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO notices (id, estate_id, template_id, purpose, title, channels, audience, variables, status, "
            "send_at, created_by, created_at, started_at, finished_at) SELECT gen_random_uuid(), :estate, "
            "gen_random_uuid(), 'notice', '通知' || n, '[\"sms\"]', '{}', '{}', 'sending', "
            "now() - n * interval '1 day', 'bench', now() - n * interval '1 day', now() - n * interval '1 day', "
            "now() - n * interval '1 day' FROM generate_series(1, :count) AS n"), {"estate": estate, "count": count})
        conn.execute(text(
            "INSERT INTO recipients (id, notice_id, estate_id, person_id, unit_id, name, unit_label, language, mobile, "
            "variables) SELECT gen_random_uuid(), notices.id, :estate, CASE WHEN h = 1 THEN CAST(:person AS uuid) "
            "ELSE gen_random_uuid() END, CASE WHEN h = 1 THEN CAST(:unit AS uuid) ELSE gen_random_uuid() END, "
            "'业主' || h, '1栋 ' || h, 'zh-CN', '138' || lpad(h::text, 8, '0'), '{}' FROM notices, "
            "generate_series(1, :households) AS h"), {"estate": estate, "person": person, "unit": unit,
                                                      "households": households})
        conn.execute(text(
            "INSERT INTO messages (id, estate_id, notice_id, recipient_id, person_id, channel, address, language, "
            "body, params, state, next_attempt_at, queued_at, sent_at, delivered_at, updated_at) "
            "SELECT gen_random_uuid(), estate_id, notice_id, id, person_id, 'sms', mobile, 'zh-CN', '通知', '{}', "
            "'delivered', now(), now(), now(), now(), now() FROM recipients"))
        conn.execute(text("INSERT INTO message_history (message_id, at, state) SELECT id, now(), s FROM messages, "
                          "unnest(ARRAY['sent', 'delivered']) AS s"))
    with Session(engine) as session:
        assert complete_finished(session, datetime.now(UTC)) == count
        session.commit()


def seed_answers(engine: Any, estate: str, person: str, unit: str, others: int = 5000, theirs: int = 4) -> None:
    """The estate's submitted answers to the question after a ticket, ``theirs`` of them the person's."""
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO invitations (id, estate_id, purpose, ticket_id, unit_id, person_id, questionnaire_version_id, "
            "expires_at, state, sent_at, answered_at) SELECT gen_random_uuid(), :estate, 'ticket', gen_random_uuid(), "
            ":unit, CASE WHEN n <= :theirs THEN CAST(:person AS uuid) ELSE gen_random_uuid() END, gen_random_uuid(), "
            "now() + interval '7 days', 'answered', now() - n * interval '1 hour', now() - n * interval '1 hour' "
            "FROM generate_series(1, :n) AS n"), {"estate": estate, "unit": unit, "person": person, "theirs": theirs,
                                                  "n": others + theirs})
        conn.execute(text(
            "INSERT INTO answers (id, invitation_id, estate_id, ticket_id, unit_id, questionnaire_version_id, channel, "
            "items, state, started_at, submitted_at) SELECT gen_random_uuid(), id, estate_id, ticket_id, unit_id, "
            "questionnaire_version_id, 'link', '[{\"code\": \"overall\", \"score\": 5}]', 'submitted', sent_at, "
            "answered_at FROM invitations"))


def seed_waves(url: str, estate: str, answers: int) -> None:
    """Two waves of the estate (2026-Q3 closed, its figures kept as surveys' timer keeps them when it
    closes a wave; 2026-Q4 open) with ``answers`` answers each, all scored."""
    from sqlalchemy import insert, select, text
    from sqlalchemy.orm import sessionmaker

    from servicekit.db import make_engine
    from surveys.domain.questionnaires import DEFAULT_VERSION_ID, ELEMENT_CODES
    from surveys.service import SERVICE
    from surveys.statistics.use_cases import keep
    from surveys.tables import buildings, waves

    engine = make_engine(url)
    closed = []
    with engine.begin() as db:
        building = db.execute(select(buildings.c.id).where(buildings.c.estate_id == estate)).scalars().first()
        for period, opens, state in (("2026-Q3", date(2026, 7, 1), "closed"), ("2026-Q4", date(2026, 10, 1), "open")):
            wave_id = uuid.uuid4()
            if state == "closed":
                closed.append(wave_id)
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
    with SERVICE.unit_of_work(sessionmaker(engine)) as uow:
        for wave_id in closed:
            keep(uow, wave_id, datetime.now(UTC))
        uow.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a live process (0 when it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def gunicorn_pids(port: int) -> list[int]:
    """The master and workers of the gunicorn bound to ``port`` (workers share the master's command line)."""
    bind = f"127.0.0.1:{port}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if bind in (entry / "cmdline").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def backend_pids(engine: Any, databases: dict[str, str]) -> dict[str, list[int]]:
    """The PostgreSQL backends connected to each service's database, by service (not the meter's own)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    names = {make_url(url).database: service for service, url in databases.items()}
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT datname, pid FROM pg_stat_activity WHERE datname = ANY(:names) "
                                 "AND pid <> pg_backend_pid()"), {"names": list(names)}).all()
    found: dict[str, list[int]] = {}
    for datname, pid in rows:
        found.setdefault(names[datname], []).append(pid)
    return found


class CpuMeter:
    """CPU seconds spent by each group of processes (gunicorns by port, PostgreSQL backends by database)
    during a run; backends opened during the run are counted from zero, as they began."""

    def __init__(self, engine: Any, ports: dict[str, int], databases: dict[str, str]) -> None:
        self.engine, self.ports, self.databases = engine, ports, databases

    def groups(self) -> dict[str, list[int]]:
        groups = {name: gunicorn_pids(port) for name, port in self.ports.items()}
        for service, pids in backend_pids(self.engine, self.databases).items():
            groups[f"pg {service}"] = pids
        return groups

    def start(self) -> dict[str, dict[int, float]]:
        return {name: {pid: cpu_seconds(pid) for pid in pids} for name, pids in self.groups().items()}

    def since(self, before: dict[str, dict[int, float]]) -> dict[str, float]:
        spent = {}
        for name, pids in self.groups().items():
            was = before.get(name, {})
            spent[name] = sum(cpu_seconds(pid) - was.get(pid, 0.0) for pid in set(pids) | set(was))
        return spent


@contextmanager
def disposing(engine: Any) -> Iterator[Any]:
    try:
        yield engine
    finally:
        engine.dispose()


def run_wrk(port: int, path: str, token: str, seconds: int, connections: int, tmp: Path) -> dict[str, Any]:
    script = tmp / f"get-{uuid.uuid4().hex}.lua"
    script.write_text(f'PATH = "{path}"\nHEADERS = {{["Authorization"] = "Bearer {token}"}}\n' + GET_SCRIPT)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
                           f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK_RESULT "))
    result = json.loads(line.removeprefix("WRK_RESULT "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["wrk_cpu"] = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
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
          f"{args.connections}; {args.rounds} alternating rounds of {args.seconds} s; {args.tickets} open tickets; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    server = configured_postgres()
    urls = {name: create_database(server, prefix=f"bench_views_{name}") for name in (*SERVICES, "gateway")}
    try:
        for name in SERVICES:
            upgrade(__import__(f"{name}.service", fromlist=["SERVICE"]).SERVICE, urls[name])
        upgrade(GATEWAY, urls["gateway"])
        seeded = seed(urls, args.tickets)
        if args.wave_answers:
            seed_waves(urls["surveys"], seeded["estate"], args.wave_answers)
        gateway_settings = GATEWAY.settings(database_url=urls["gateway"], amqp_url="amqp://unused", port=0,
                                            log_level="WARNING", environment="development", key_publish_seconds=0.0,
                                            max_body_bytes=1 << 20)
        engine = make_engine(urls["gateway"])
        sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_key(GATEWAY.unit_of_work(sessions), gateway_settings)
        token = Signer(sessions, gateway_settings).sign(subject="bench-manager", role="estate_manager",
                                                        estates=[seeded["estate"]])[0]
        engine.dispose()
        gunicorn_args = argparse.Namespace(workers=args.workers, worker_class="gthread", threads=args.threads)
        with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            gateway_env = {"GATEWAY_DATABASE_URL": urls["gateway"], "GATEWAY_ENVIRONMENT": "development",
                           "LOG_LEVEL": "WARNING", "DATABASE_URL": urls["gateway"]}
            ports = {}
            # The gateway first (its JWKS is what the services verify with); its upstreams are set below.
            jwks_port = stack.enter_context(gunicorn("gateway.app:create_app()", gateway_env, gunicorn_args))
            for name in SERVICES:
                env = {"DATABASE_URL": urls[name], "LOG_LEVEL": "WARNING", f"{name.upper()}_ENVIRONMENT": "development",
                       "JWT_JWKS_URL": f"http://127.0.0.1:{jwks_port}/.well-known/jwks.json"}
                ports[name] = stack.enter_context(gunicorn(f"{name}.app:create_app()", env, gunicorn_args))
            upstreams = ",".join(f"{name}=127.0.0.1:{port}" for name, port in ports.items())
            views = {"person": gateway_env | {"GATEWAY_EDGE_UPSTREAMS": upstreams},
                     "estate": gateway_env | {"GATEWAY_EDGE_UPSTREAMS": upstreams,
                                              "GATEWAY_OVERVIEW_KEEP_SECONDS": "0"},
                     "estate kept": gateway_env | {"GATEWAY_EDGE_UPSTREAMS": upstreams}}
            only = set(args.only or ("baseline", "estate calls", *views))
            targets = {}
            if "baseline" in only:
                targets["baseline"] = (ports["owners"], f"/api/v1/people/{seeded['person']}")
            if "estate calls" in only:  # each call the dashboard makes, alone: what it cannot cost less than
                query = f"estate_id={seeded['estate']}"
                targets |= {"tickets call": (ports["tickets"], f"/api/v1/reports/at-a-glance?{query}"),
                            "notify call": (ports["notify"], f"/api/v1/notices/reach?{query}"),
                            "surveys call": (ports["surveys"], f"/api/v1/at-a-glance?{query}")}
            for name, env in views.items():
                if name not in only:
                    continue
                port = stack.enter_context(gunicorn("gateway.app:create_app()", env, gunicorn_args))
                path = (f"/api/v1/overview/people/{seeded['person']}" if name == "person"
                        else f"/api/v1/overview/estates/{seeded['estate']}")
                targets[name] = (port, path)
            meter_engine = stack.enter_context(disposing(make_engine(urls["gateway"])))
            for port, path in targets.values():
                run_wrk(port, path, token, args.warmup, args.connections, tmp)
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
            spent: dict[str, dict[str, float]] = {name: {} for name in targets}
            for i in range(args.rounds):
                for name in (list(targets) if i % 2 == 0 else list(reversed(targets))):
                    port, path = targets[name]
                    measured = {"gateway": port, **ports} if port not in ports.values() else dict(ports)
                    meter = CpuMeter(meter_engine, measured, urls)
                    before = meter.start()
                    rounds[name].append(run_wrk(port, path, token, args.seconds, args.connections, tmp))
                    for group, seconds in (meter.since(before) | {"wrk": rounds[name][-1]["wrk_cpu"]}).items():
                        spent[name][group] = spent[name].get(group, 0.0) + seconds
            for name, found in rounds.items():
                requests = sum(r["requests"] for r in found)
                rps = requests / (sum(r["duration_us"] for r in found) / 1e6)
                p = {q: statistics.median(r[f"p{q}_us"] for r in found) / 1000 for q in (50, 95, 99)}
                print(f"{name:>12}: {rps:7.1f} req/s  p50 {p[50]:6.1f} ms  p95 {p[95]:6.1f} ms  p99 {p[99]:6.1f} ms  "
                      f"({requests} requests, {sum(r['non_2xx'] for r in found)} non-2xx, "
                      f"{sum(r['errors'] for r in found)} errors)")
                per = {group: 1000 * seconds / max(requests, 1) for group, seconds in spent[name].items()}
                print(f"{'':>12}  CPU per request {sum(per.values()):5.1f} ms: " + ", ".join(
                    f"{group} {ms:.1f}" for group, ms in sorted(per.items(), key=lambda kv: -kv[1]) if ms >= 0.05))
            print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        for url in urls.values():
            drop_database(url)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
