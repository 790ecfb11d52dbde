"""Benchmark: the question after a ticket (SRV-5), from ``tickets.ticket.resolved.v1`` to the
invitation's SMS at the stand-in, with every process of the loop running.

    .venv/bin/python bench/surveys_ticket_loop.py [--tickets 200] [--rate 10]

tickets' relay, surveys' consumer and relay, notify's consumer and sender (each its own process, as
`make run` starts them) on fresh PostgreSQL databases and a RabbitMQ vhost of their own, the SMS
stand-in in this process. ``--tickets`` repair tickets, each of another household, are opened,
dispatched and arrived at first; then they are resolved ``--rate`` a second. For each: the time from
its resolution's commit to surveys' invitation (the first hop: tickets' relay and surveys' consumer;
the same-run baseline) and to the SMS at the stand-in (the whole loop: surveys' relay, notify's
consumer, its rule and sender, the provider call). Prints p50, p95, p99 and the slowest of both. Aim:
the whole loop's p99 under 2 s. It prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from notify import tables as notify_tables
from notify.service import SERVICE as NOTIFY
from notify.standins.sms_provider import SmsStandin, StandinConfig
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import (
    configured_broker,
    configured_postgres,
    create_database,
    create_vhost,
    delete_vhost,
    drop_database,
    service_process,
)
from surveys.service import SERVICE as SURVEYS
from surveys.tables import invitations
from tickets import tables as tickets_tables
from tickets.service import SERVICE as TICKETS
from tickets.tickets.schemas import NewTicketSchema
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases.entry import open_ticket
from tickets.tickets.use_cases.procedure import acknowledge, arrive, dispatch, resolve

DESK = Actor("bench-desk", "service_desk_agent")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="resolutions a second")
    return parser.parse_args()


def seed(engines: dict[str, Any], count: int) -> dict[str, Any]:
    """One estate in tickets' and notify's copies of owners: ``count`` households, one technician."""
    t, n = tickets_tables, notify_tables
    estate, building, technician = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    homes = [{"unit": uuid.uuid4(), "person": uuid.uuid4(), "mobile": f"1390000{i:04d}"} for i in range(count)]
    with engines["tickets"].begin() as db:
        db.execute(insert(t.estates).values(id=estate, code="LOOP", name="回访花园", version=1))
        db.execute(insert(t.buildings).values(id=building, estate_id=estate, code="1", name="1栋", version=1))
        db.execute(insert(t.units), [{"id": h["unit"], "estate_id": estate, "building_id": building,
                                      "number": f"1-{100 + i}", "floor": 1, "version": 1} for i, h in enumerate(homes)])
        db.execute(insert(t.people), [{"id": h["person"], "estate_id": estate, "name": f"业主{i}",
                                       "mobile": h["mobile"], "version": 1} for i, h in enumerate(homes)])
        db.execute(insert(t.staff).values(id=technician, estate_id=estate, name="张师傅", role="technician",
                                          skills=["plumbing"], active=True, version=1))
        db.execute(insert(t.categories).values(id=uuid.uuid4(), estate_id=None, kind="repair", code="plumbing",
                                               name_zh="水管", name_en="Plumbing", skill="plumbing"))
    with engines["notify"].begin() as db:
        db.execute(insert(n.estates).values(id=estate, code="LOOP", name="回访花园", version=1))
        db.execute(insert(n.estate_settings).values(estate_id=estate, timezone="Asia/Shanghai", quiet_start="00:00",
                                                    quiet_end="00:00", sms_sign_name="回访物业", version=1))
        db.execute(insert(n.people), [{"id": h["person"], "estate_id": estate, "name": f"业主{i}", "language": "zh-CN",
                                       "preferred_channel": "sms", "mobile": h["mobile"], "version": 1}
                                      for i, h in enumerate(homes)])
        db.execute(insert(n.occupancies), [{"id": uuid.uuid4(), "estate_id": estate, "unit_id": h["unit"],
                                            "person_id": h["person"], "role": "owner",
                                            "moved_in_on": date(2020, 1, 1), "version": 1} for h in homes])
    return {"estate": estate, "technician": technician, "homes": homes}


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return f"p50 {q[49]:6.3f} s  p95 {q[94]:6.3f} s  p99 {q[98]:6.3f} s  slowest {ordered[-1]:6.3f} s"


def main() -> None:
    args = parse_args()
    print(f"{args.tickets} tickets resolved {args.rate:g} a second; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    server = configured_postgres()
    urls = {s.name: create_database(server, prefix=f"bench_loop_{s.name}") for s in (TICKETS, SURVEYS, NOTIFY)}
    vhost = create_vhost(configured_broker())
    engines: dict[str, Any] = {}
    try:
        for service in (TICKETS, SURVEYS, NOTIFY):
            upgrade(service, urls[service.name])
        engines = {name: make_engine(url) for name, url in urls.items()}
        world = seed(engines, args.tickets)
        uow = lambda: TICKETS.unit_of_work(sessionmaker(engines["tickets"], expire_on_commit=False))  # noqa: E731
        opened = []
        for home in world["homes"]:
            entry = NewTicketSchema().load({"estate_id": str(world["estate"]), "unit_id": str(home["unit"]),
                                            "person_id": str(home["person"]), "kind": "repair",
                                            "category": "plumbing", "title": "厨房水管漏水"})
            ticket = open_ticket(uow(), DESK, entry)["ticket"]
            acknowledge(uow(), ticket["id"], DESK)
            dispatch(uow(), ticket["id"], DESK, staff_id=world["technician"])
            arrive(uow(), ticket["id"], DESK)
            opened.append((ticket["id"], home["mobile"]))
        with ExitStack() as stack:
            standin = stack.enter_context(SmsStandin(StandinConfig()))
            env = {"AMQP_URL": vhost, "LOG_LEVEL": "WARNING", "NOTIFY_ENVIRONMENT": "development",
                   "NOTIFY_SMS_ENDPOINT": standin.url, "NOTIFY_SENDER_INTERVAL_SECONDS": "0.05",
                   **{f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()}}
            for service in ("tickets", "surveys", "notify"):
                stack.enter_context(service_process(service, "topology", env=env)).wait()
            for service, command in (("tickets", "relay"), ("surveys", "consume"), ("surveys", "relay"),
                                     ("notify", "consume"), ("notify", "send")):
                stack.enter_context(service_process(service, command, env=env))
            time.sleep(5)  # the opening steps' events flow through first (they invite nobody)
            resolved: dict[Any, datetime] = {}
            start = time.monotonic()
            for i, (ticket_id, _mobile) in enumerate(opened):
                time.sleep(max(0.0, start + i / args.rate - time.monotonic()))
                resolve(uow(), ticket_id, DESK, resolution="已更换阀门")
                resolved[ticket_id] = datetime.now(UTC)
            deadline = time.monotonic() + 300
            while len(standin.received()) < len(opened) and time.monotonic() < deadline:
                time.sleep(0.2)
            arrived = {m["number"][-11:]: datetime.fromisoformat(m["at"]) for m in standin.received()}
        with engines["surveys"].connect() as db:
            invited = dict(db.execute(select(invitations.c.ticket_id, invitations.c.sent_at)).all())
        hop = [(invited[t] - resolved[t]).total_seconds() for t, _m in opened if t in invited]
        loop = [(arrived[m] - resolved[t]).total_seconds() for t, m in opened if m in arrived]
        print(f"resolved -> invitation in surveys (baseline: tickets' relay + surveys' consumer), {len(hop)} of "
              f"{len(opened)}:\n    {percentiles(hop)}")
        print(f"resolved -> the SMS at the stand-in (the whole loop), {len(loop)} of {len(opened)} (aim p99 < 2 s):"
              f"\n    {percentiles(loop)}")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        for engine in engines.values():
            engine.dispose()
        for url in urls.values():
            drop_database(url)
        delete_vhost(vhost)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
