"""Benchmark: a storm of delivery receipts at notify's web process (gunicorn, as deployed).

    .venv/bin/python bench/notify_receipts.py
    BENCH_RECEIPT_BATCHES=1000,5000,10000 ...

For each batch size: that many SMS messages marked ``sent``, then one push of that many Aliyun
SmsReport receipts to ``POST /api/v1/receipts/aliyun/<token>``: the seconds until the web process
answers (aim: 10,000 in under 1 s; the web stores the batch in one statement and answers), then
the seconds the sender's step (``apply_received``, in its batches) takes to apply them all.
**Baseline, same run**: the bare statement alone, the same rows inserted by one ``INSERT ... SELECT
FROM jsonb_to_recordset`` from this process (no HTTP, no parsing): the floor the web answer stands on.

The bench makes and drops its own database, runs gunicorn on a free port and prints numbers; it
does not pass or fail on time.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from notify.receipts.use_cases import _STORE_POSTGRES, apply_received
from notify.service import SERVICE
from notify.tables import message_history, messages, receipts
from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import configured_postgres, create_database, drop_database
from servicekit.tokens import generate_keypair

ROOT = Path(__file__).resolve().parent.parent
BATCHES = [int(n) for n in os.environ.get("BENCH_RECEIPT_BATCHES", "1000,5000,10000").split(",") if n.strip()]
sys.path.insert(0, str(ROOT / "services" / "notify" / "tests" / "integration"))
seed_world = importlib.import_module("seed_world")


def sent_messages(engine, count: int) -> tuple[uuid.UUID, list[str]]:  # noqa: ANN001
    call_id, now = uuid.uuid4(), datetime.now(UTC)
    numbers = [seed_world.mobile_of(n) for n in range(count)]
    with Session(engine) as session, session.begin():
        for table in (message_history, receipts, messages):
            session.execute(delete(table))
        session.execute(insert(messages), [
            {"id": uuid.uuid4(), "estate_id": uuid.uuid4(), "channel": "sms", "address": number, "language": "zh-CN",
             "body": "物业费通知", "sms_template_code": "SMS_100", "params": {}, "state": "sent",
             "next_attempt_at": now, "call_id": call_id, "provider": "aliyun",
             "provider_ref": f"BIZ-{call_id.hex[:8]}", "queued_at": now, "updated_at": now, "sent_at": now}
            for number in numbers])
    return call_id, numbers


def reports(call_id: uuid.UUID, numbers: list[str]) -> list[dict[str, object]]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return [{"phone_number": n, "send_time": stamp, "report_time": stamp, "success": True, "err_code": "DELIVERED",
             "err_msg": "用户接收成功", "sms_size": "1", "biz_id": f"BIZ-{call_id.hex[:8]}", "out_id": str(call_id)}
            for n in numbers]


def bare_statement(engine, body: list[dict[str, object]]) -> float:  # noqa: ANN001
    rows = [{"provider_ref": r["biz_id"], "out_id": r["out_id"], "address": r["phone_number"],
             "success": True, "code": "DELIVERED", "detail": r["err_msg"], "reported_at": None} for r in body]
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(_STORE_POSTGRES, {"rows": json.dumps(rows, ensure_ascii=False), "provider": "bare",
                                       "now": datetime.now(UTC)})
    took = time.perf_counter() - started
    with engine.begin() as conn:
        conn.execute(delete(receipts).where(receipts.c.provider == "bare"))
    return took


def main() -> None:
    database_url = create_database(configured_postgres(), prefix="benchreceipts")
    try:
        upgrade(SERVICE, database_url)
        engine = make_engine(database_url)
        keys = generate_keypair()
        port = seed_world.free_port()
        env = {"DATABASE_URL": database_url, "AMQP_URL": "amqp://unused", "LOG_LEVEL": "WARNING",
               "NOTIFY_RECEIPTS_TOKEN": seed_world.RECEIPTS_TOKEN, "JWT_PUBLIC_KEY": keys[1],
               "JWT_ISSUER": seed_world.ISSUER, "JWT_AUDIENCE": seed_world.AUDIENCE}
        url = f"http://127.0.0.1:{port}/api/v1/receipts/aliyun/{seed_world.RECEIPTS_TOKEN}"
        print("notify receipts bench: one push of N receipts, answered by the web process (gunicorn)")
        with seed_world.gunicorn(env, port), httpx.Client(timeout=120) as client:
            for count in BATCHES:
                call_id, numbers = sent_messages(engine, count)
                body = reports(call_id, numbers)
                floor = bare_statement(engine, body)
                payload = json.dumps(body, ensure_ascii=False).encode()
                started = time.perf_counter()
                answer = client.post(url, content=payload, headers={"Content-Type": "application/json"})
                answered = time.perf_counter() - started
                if answer.status_code != 200:
                    raise SystemExit(f"the push was answered {answer.status_code}: {answer.text[:300]}")
                started = time.perf_counter()
                while True:
                    with Session(engine) as session, session.begin():
                        if not apply_received(session, datetime.now(UTC)):
                            break
                applied = time.perf_counter() - started
                with engine.connect() as conn:
                    delivered = conn.execute(select(func.count()).select_from(messages)
                                             .where(messages.c.state == "delivered")).scalar()
                    conn.execute(text("SELECT 1"))
                print(f"    {count:6,} receipts ({len(payload) / 1e6:4.1f} MB): answered in {answered:5.2f} s "
                      f"(baseline, the bare statement: {floor:5.2f} s); applied by the sender in {applied:5.2f} s "
                      f"({delivered:,} delivered)")
        engine.dispose()
    finally:
        drop_database(database_url)


if __name__ == "__main__":
    main()
