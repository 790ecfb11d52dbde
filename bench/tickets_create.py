"""Benchmark: opening tickets (POST /api/v1/tickets, a repair with a category) against a bare Flask
insert, both under gunicorn with the same workers, 32 concurrent clients each.

    .venv/bin/python bench/tickets_create.py [--rounds 3] [--seconds 5] [--workers 2] [--connections 32]

The tickets app is the real one (``tickets.app:create_app()``: JWT verification, validation, the
estate scope, the references checked against the copy of owners, the category, the likely
duplicates, the ticket number, a timeline step, the outbox row, the masked phone). The bare app
(``bare_app()`` below) parses the JSON body and inserts one ticket row and one outbox row in one
transaction with plain SQLAlchemy Core, with no auth and no validation. Each gets a fresh
PostgreSQL database migrated to the tickets schema, its copy of owners seeded directly (an estate,
a building, 200 units, a person each); both are dropped.

The harness (gunicorn, wrk, alternating rounds) is bench/create_owner_api.py's. Prints requests/s,
p50 and p99 for both and the ratio tickets/bare (target >= 0.70), each one's CPU per request (Python
and PostgreSQL, from /proc) and their ratio, and checks that every answered
request wrote its ticket, its timeline step and its outbox row.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from create_owner_api import WRK_DONE, compare_with_bare, lua_prelude, measure_both

ISSUER, AUDIENCE = "bench", "estatedesk"

WRK_SCRIPT = r"""
-- Every request a new repair ticket about one of the units, from a unique caller.
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
    '{"estate_id":"%s","unit_id":"%s","kind":"repair","channel":"phone","category":"plumbing",'
    .. '"title":"厨房水管漏水 %d","contact_name":"业主%d","contact_phone":"154%08d"}',
    ESTATE_ID, UNIT_IDS[(counter % #UNIT_IDS) + 1], n, n, n % 100000000)
  return wrk.format("POST", "/api/v1/tickets", HEADERS, body)
end
"""


def bare_app() -> Any:
    """The baseline: parse JSON, insert a ticket and an outbox row in one transaction, answer 201."""
    from flask import Flask, jsonify, request
    from sqlalchemy import create_engine, insert

    from tickets.tables import outbox, tickets

    app = Flask("bare")
    engine = create_engine(os.environ["DATABASE_URL"])

    @app.post("/api/v1/tickets")
    def open_ticket() -> Any:
        body = request.get_json()
        now = datetime.now(UTC)
        row = {"id": uuid.uuid4(), "number": uuid.uuid4().hex[:16], "estate_id": uuid.UUID(body["estate_id"]),
               "unit_id": uuid.UUID(body["unit_id"]), "kind": body["kind"], "channel": body["channel"],
               "priority": "normal", "title": body["title"], "stage": "received", "created_by": "bench",
               "created_at": now, "updated_at": now}
        event = {"type": "tickets.ticket.opened.v1", "id": str(uuid.uuid4()), "data": body}
        with engine.begin() as conn:
            conn.execute(insert(tickets).values(row))
            conn.execute(insert(outbox.table).values(event_id=event["id"], event_type=event["type"],
                                                     source="/bench", body=json.dumps(event), created_at=now))
        return jsonify(id=str(row["id"])), 201

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify(status="ok")

    return app


def seed(database_url: str, units: int) -> tuple[str, list[str]]:
    """The copy of owners as the consumer would hold it: an estate, a building, units, a category."""
    from sqlalchemy import insert

    from servicekit.db import make_engine
    from tickets.tables import buildings, categories, estates
    from tickets.tables import units as unit_table

    engine = make_engine(database_url)
    estate, building = uuid.uuid4(), uuid.uuid4()
    unit_ids = [uuid.uuid4() for _ in range(units)]
    with engine.begin() as conn:
        conn.execute(insert(estates).values(id=estate, code="BENCH", name="基准花园", version=1))
        conn.execute(insert(buildings).values(id=building, estate_id=estate, code="1", name="1栋", version=1))
        conn.execute(insert(unit_table), [{"id": u, "estate_id": estate, "building_id": building,
                                           "number": f"1-{100 + i}", "floor": 1, "version": 1}
                                          for i, u in enumerate(unit_ids)])
        conn.execute(insert(categories).values(id=uuid.uuid4(), estate_id=None, kind="repair", code="plumbing",
                                               name_zh="水管", name_en="Plumbing", skill="plumbing"))
    engine.dispose()
    return str(estate), [str(u) for u in unit_ids]


def count_rows(database_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from servicekit.db import make_engine
    from tickets.tables import outbox, ticket_steps, tickets

    engine = make_engine(database_url)
    with engine.connect() as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in (tickets, ticket_steps, outbox.table)}
    engine.dispose()
    return counts


def run(tickets_url: str, bare_url: str, args: Any, tmp: Path) -> dict[str, dict[str, Any]]:
    from servicekit.auth import issue_token
    from servicekit.migrate import upgrade
    from servicekit.tokens import generate_keypair
    from tickets.service import SERVICE

    for url in (tickets_url, bare_url):
        upgrade(SERVICE, url)
    estate_id, unit_ids = seed(tickets_url, args.units)
    bare_estate, bare_units = seed(bare_url, args.units)
    private, public = generate_keypair()
    token = issue_token(private, subject="bench-desk", role="service_desk_agent", estates=[estate_id],
                        issuer=ISSUER, audience=AUDIENCE, ttl_seconds=3600)
    tickets_script, bare_script = tmp / "tickets.lua", tmp / "bare.lua"
    tickets_script.write_text(lua_prelude(estate_id, unit_ids, token) + WRK_SCRIPT + WRK_DONE)
    bare_script.write_text(lua_prelude(bare_estate, bare_units, None) + WRK_SCRIPT + WRK_DONE)
    tickets_env = {"DATABASE_URL": tickets_url, "JWT_PUBLIC_KEY": public, "JWT_ISSUER": ISSUER,
                   "JWT_AUDIENCE": AUDIENCE, "LOG_LEVEL": "WARNING"}
    return measure_both({"tickets": ("tickets.app:create_app()", tickets_env, tickets_script),
                    "bare": ("tickets_create:bare_app()", {"DATABASE_URL": bare_url}, bare_script)}, args, count_rows)


def main() -> None:
    tickets = compare_with_bare("tickets", run)
    written = tickets["rows"]
    if tickets["non_2xx"] or written["tickets"] < tickets["requests"] or written["ticket_steps"] != written["tickets"] \
            or written["outbox"] != written["tickets"]:
        raise SystemExit(f"tickets answered errors or wrote rows inconsistently: {written}")


if __name__ == "__main__":
    main()
