"""The seed case's world, shared by ``test_seed_case.py`` and ``bench/notify_broadcast.py``: an
estate of N households written straight into notify's copy (as the consumer would make it), a
fee-collection template, and notify's real processes on free ports:

* the SMS provider stand-in (``notify sms-standin``, pushing receipts to the web app),
* the SMTP stand-in (``notify smtp-standin``, listing what arrived on its HTTP port),
* the web app (gunicorn serving ``notify.app:create_app()``, tokens signed by a key of this run's),
* ``notify send`` (one or more replicas).

Loaded by path (the tests run in importlib mode); the bench puts this folder on ``sys.path``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, insert, select, text

from notify.tables import buildings, estate_settings, estates, occupancies, people, templates, units
from servicekit.auth import issue_token
from servicekit.db import make_engine
from servicekit.testing import running_process, service_process, wait_for
from servicekit.tokens import generate_keypair

ISSUER, AUDIENCE = "seed-case", "estatedesk"
RECEIPTS_TOKEN = "seed-case-receipts"
FEE_TEMPLATE_CODE = "SMS_FEE_0001"
BROADCAST_TEMPLATE_CODE = "SMS_FEE_0002"
FEE_BODY = "${name}您好：${unit}本期物业费${amount}元，请于${due_date}前缴纳。"
FEE_BODY_EN = "Dear ${name}, the fee of ${unit} is ${amount} yuan, due by ${due_date}."
BROADCAST_BODY = "尊敬的业主：本期物业费请于${due_date}前缴纳，详询物业服务中心。"
UNITS_PER_BUILDING = 100
CHUNK = 10_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def mobile_of(n: int) -> str:
    return f"139{n:08d}"


def email_of(n: int) -> str:
    return f"owner{n}@example.com"


@dataclass(frozen=True)
class Household:
    n: int
    unit_id: uuid.UUID
    person_id: uuid.UUID
    mobile: str
    email: str


@dataclass
class Estate:
    estate_id: uuid.UUID
    households: list[Household] = field(default_factory=list)
    templates: dict[str, uuid.UUID] = field(default_factory=dict)


def fill_estate(engine: Engine, count: int, *, code: str = "SEED", name: str = "阳光花园") -> Estate:
    """An estate of ``count`` households (``UNITS_PER_BUILDING`` units a building), each unit with one
    owner who has a mobile and an e-mail; no quiet hours (the case runs at any hour); two templates:
    ``fee`` (per-household name, unit, amount, due date) and ``broadcast`` (one text for all)."""
    estate = Estate(uuid.uuid4())
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(estates).values(id=estate.estate_id, code=code, name=name, version=1))
        # start == end: no quiet window (notify.schedule.quiet_hours), so the SMS goes now at any hour.
        conn.execute(insert(estate_settings).values(estate_id=estate.estate_id, timezone="Asia/Shanghai",
                                                    quiet_start="00:00", quiet_end="00:00",
                                                    sms_sign_name="阳光物业", version=1))
        building_ids = [uuid.uuid4() for _ in range((count + UNITS_PER_BUILDING - 1) // UNITS_PER_BUILDING)]
        conn.execute(insert(buildings), [{"id": b, "estate_id": estate.estate_id, "code": f"{i + 1:03d}",
                                          "name": f"{i + 1}栋", "version": 1} for i, b in enumerate(building_ids)])
        for kind, body, variables, sms_code in (("fee", FEE_BODY, ["amount", "due_date"], FEE_TEMPLATE_CODE),
                                                ("broadcast", BROADCAST_BODY, ["due_date"], BROADCAST_TEMPLATE_CODE)):
            id_ = uuid.uuid4()
            texts = {"zh-CN": {"subject": "物业费缴纳通知", "body": body}}
            if kind == "fee":
                texts["en"] = {"subject": "Property fee notice", "body": FEE_BODY_EN}
            conn.execute(insert(templates).values(
                id=id_, estate_id=estate.estate_id, code=f"{kind}-{id_.hex[:8]}", purpose="fee", texts=texts,
                variables=variables, sms_template_code=sms_code, created_at=now, updated_at=now, version=1))
            estate.templates[kind] = id_
    for first in range(0, count, CHUNK):
        unit_rows, people_rows, occupancy_rows = [], [], []
        for n in range(first, min(first + CHUNK, count)):
            house = Household(n, uuid.uuid4(), uuid.uuid4(), mobile_of(n), email_of(n))
            estate.households.append(house)
            building = building_ids[n // UNITS_PER_BUILDING]
            floor, door = divmod(n % UNITS_PER_BUILDING, 4)
            unit_rows.append({"id": house.unit_id, "estate_id": estate.estate_id, "building_id": building,
                              "number": f"{floor + 1}0{door + 1}", "version": 1})
            people_rows.append({"id": house.person_id, "estate_id": estate.estate_id, "name": f"业主{n:05d}",
                                "language": "zh-CN", "preferred_channel": "sms", "mobile": house.mobile,
                                "email": house.email, "version": 1})
            occupancy_rows.append({"id": uuid.uuid4(), "estate_id": estate.estate_id, "unit_id": house.unit_id,
                                   "person_id": house.person_id, "role": "owner", "moved_in_on": date(2020, 1, 1),
                                   "moved_out_on": None, "version": 1})
        with engine.begin() as conn:
            conn.execute(insert(units), unit_rows)
            conn.execute(insert(people), people_rows)
            conn.execute(insert(occupancies), occupancy_rows)
    return estate


def amount_of(n: int) -> str:
    """Billing's amount due of household ``n`` (varied, so each SMS has its own variables)."""
    return f"{280 + (n * 37) % 400}.{n % 100:02d}"


def billing_list(estate: Estate) -> list[dict[str, Any]]:
    """The audience list billing would give: each household with its own amount and due date."""
    return [{"person_id": str(h.person_id), "unit_id": str(h.unit_id),
             "variables": {"amount": amount_of(h.n), "due_date": "4月15日"}} for h in estate.households]


# --- the processes ----------------------------------------------------------------------------------

class Suite:
    """The running processes and what a test or bench asks them."""

    def __init__(self, database_url: str, keys: tuple[str, str], web_port: int, sms_port: int, smtp_port: int,
                 smtp_http_port: int, sender_env: dict[str, str]) -> None:
        self.database_url, self.keys = database_url, keys
        self.api = f"http://127.0.0.1:{web_port}"
        self.sms = f"http://127.0.0.1:{sms_port}"
        self.smtp_port, self.smtp_http = smtp_port, f"http://127.0.0.1:{smtp_http_port}"
        self.sender_env = sender_env
        self.senders: list[subprocess.Popen[str]] = []
        self.http = httpx.Client(timeout=120)

    def headers(self, role: str = "service_desk_agent", estates_: Sequence[object] = ("*",)) -> dict[str, str]:
        token = issue_token(self.keys[0], subject=f"seed-{role}", role=role, estates=[str(e) for e in estates_],
                            issuer=ISSUER, audience=AUDIENCE, permissions=[])
        return {"Authorization": f"Bearer {token}"}

    def sms_stats(self) -> dict[str, Any]:
        return self.http.get(f"{self.sms}/_standin/stats").json()

    def sms_messages(self) -> list[dict[str, Any]]:
        return self.http.get(f"{self.sms}/_standin/messages").json()["messages"]

    def sms_configure(self, **values: Any) -> dict[str, Any]:
        answer = self.http.post(f"{self.sms}/_standin/config", json=values)
        answer.raise_for_status()
        return answer.json()

    def emails(self) -> list[dict[str, Any]]:
        return self.http.get(f"{self.smtp_http}/messages").json()["messages"]


def _await_http(url: str, process: subprocess.Popen[Any], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not answer on {url}") from None
            time.sleep(0.05)


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[str]]:
    """``gunicorn -c python:notify.gunicorn_conf 'notify.app:create_app()'`` on ``port``, as deployed."""
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", "python:notify.gunicorn_conf",
               "notify.app:create_app()"]
    with running_process(command, env={**env, "NOTIFY_PORT": str(port)}, what="gunicorn",
                         new_session=True) as process:
        _await_http(f"http://127.0.0.1:{port}/healthz", process, "gunicorn")
        yield process


@contextmanager
def suite(database_url: str, *, fail_numbers: Sequence[str] = (), sms_rate: float = 0.0, standin_rate: float = 0.0,
          senders: int = 1, sender_env: dict[str, str] | None = None,
          start_senders: bool = True) -> Iterator[Suite]:
    """Every process of the seed case on free ports; stopped (SIGTERM) at the end.

    ``sms_rate``: the sender's ``NOTIFY_SMS_RATE_PER_SECOND`` (0: no limit); ``standin_rate``: the
    stand-in's own throttle (``--rate``, 0: none); ``senders``: ``notify send`` replicas (0 or
    ``start_senders=False``: start them later with :func:`senders_running`)."""
    keys = generate_keypair()
    web_port, sms_port, smtp_port, smtp_http_port = free_port(), free_port(), free_port(), free_port()
    base = {"DATABASE_URL": database_url, "AMQP_URL": "amqp://unused", "LOG_LEVEL": "WARNING",
            "NOTIFY_RECEIPTS_TOKEN": RECEIPTS_TOKEN, "NOTIFY_SMS_ENDPOINT": f"http://127.0.0.1:{sms_port}",
            "NOTIFY_SMTP_PORT": str(smtp_port), "NOTIFY_PORT": str(web_port)}
    web_env = {**base, "JWT_PUBLIC_KEY": keys[1], "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE}
    send_env = {**base, "NOTIFY_SMS_RATE_PER_SECOND": str(sms_rate), "NOTIFY_SENDER_INTERVAL_SECONDS": "0.05",
                **(sender_env or {})}
    callback = f"http://127.0.0.1:{web_port}/api/v1/receipts/aliyun/{RECEIPTS_TOKEN}"
    standin_args = ["sms-standin", "--port", str(sms_port), "--callback", callback, "--rate", str(standin_rate),
                    "--receipt-delay", "0.05", f"--template={FEE_TEMPLATE_CODE}={FEE_BODY}",
                    f"--template={BROADCAST_TEMPLATE_CODE}={BROADCAST_BODY}"]
    for number in fail_numbers:
        standin_args += ["--fail-number", number]
    with ExitStack() as stack:
        standin = stack.enter_context(service_process("notify", *standin_args, env=base))
        smtp = stack.enter_context(service_process("notify", "smtp-standin", "--port", str(smtp_port),
                                                   "--http-port", str(smtp_http_port), env=base))
        stack.enter_context(gunicorn(web_env, web_port))
        _await_http(f"http://127.0.0.1:{sms_port}/_standin/stats", standin, "notify sms-standin")
        _await_http(f"http://127.0.0.1:{smtp_http_port}/messages", smtp, "notify smtp-standin")
        running = Suite(database_url, keys, web_port, sms_port, smtp_port, smtp_http_port, send_env)
        stack.callback(running.http.close)
        if start_senders and senders:
            stack.enter_context(senders_running(running, senders))
        yield running


@contextmanager
def sender_process(env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """``notify send`` as deployed."""
    with service_process("notify", "send", env=env) as process:
        yield process


@contextmanager
def senders_running(running: Suite, replicas: int = 1) -> Iterator[list[subprocess.Popen[str]]]:
    """``replicas`` ``notify send`` processes with the suite's settings, each up (connected to the
    database: its imports done, its first round begun) before this yields: as deployed, a notice
    comes to senders already running, and a bench's window then counts neither a sender's start-up
    (about 1 CPU s of imports each) nor its seconds."""
    names = [f"notify-send-{uuid.uuid4().hex[:12]}" for _ in range(replicas)]
    with ExitStack() as stack:
        started = [stack.enter_context(sender_process({**running.sender_env, "PGAPPNAME": name})) for name in names]
        running.senders = started
        _await_connected(running.database_url, names, started)
        yield started


def _await_connected(database_url: str, names: Sequence[str], processes: Sequence[subprocess.Popen[str]]) -> None:
    """Wait until a backend of each application name in ``names`` is connected (libpq's PGAPPNAME)."""
    if not database_url.startswith("postgresql"):
        return
    engine = make_engine(database_url)

    def connected() -> bool:
        dead = [p.returncode for p in processes if p.poll() is not None]
        if dead:
            raise RuntimeError(f"notify send exited {dead} before it connected")
        with engine.connect() as conn:
            return set(conn.execute(select(text("application_name")).select_from(text("pg_stat_activity"))
                                    .where(text("application_name = ANY(:names)")),
                                    {"names": list(names)}).scalars()) >= set(names)

    try:
        wait_for(connected, "every notify send to connect to the database", timeout=120, interval=0.05)
    finally:
        engine.dispose()
