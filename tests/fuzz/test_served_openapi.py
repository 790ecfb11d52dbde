"""Every service's served OpenAPI document validates, and schemathesis (all checks, every phase)
finds no failure in the service behind it: no server error from any input, every answer as
documented (problem+json included), and no full mobile or ID number in any response or log line.

The run is bounded (``FUZZ_MAX_EXAMPLES``, default 25, about a minute per service on two cores);
``FUZZ_MAX_EXAMPLES=100`` is the longer soak, run by hand. Each service serves its real app on a
real port over its real database (PostgreSQL), with a token that reaches every operation: owners'
for every estate, over data made through its API; tickets' for the one estate of its copy of owners,
seeded as its consumer would have written it (tickets' API never writes the copy); notify's the same
way, with its demo's templates and past notices loaded on that copy.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from werkzeug.serving import make_server

from servicekit.auth import TokenVerifier, issue_token
from servicekit.logs import JsonFormatter
from servicekit.tokens import generate_keypair

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
ISSUER, AUDIENCE = "fuzz-issuer", "estatedesk"


@dataclass
class Served:
    """A service under test: where it answers, and the full numbers it holds that must never show."""

    base_url: str
    token: str
    secrets: list[str]
    log_lines: list[str]


class _Lines(logging.Handler):
    def __init__(self, service: str, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter(service))
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def _serve(app, service: str) -> Iterator[tuple[str, list[str]]]:
    """The app on a free loopback port in a thread, every log record of it captured as JSON."""
    lines: list[str] = []
    handler = _Lines(service, lines)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", lines
    finally:
        server.shutdown()
        thread.join(10)
        root.removeHandler(handler)
        root.setLevel(previous)


@contextmanager
def owners_service(make_database: Callable[[], str]) -> Iterator[Served]:
    from owners.app import create_app
    from owners.service import SERVICE
    from owners.settings import Settings
    from servicekit.migrate import upgrade

    private, public = generate_keypair()
    url = make_database()
    upgrade(SERVICE, url)
    settings = Settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="INFO",
                        max_body_bytes=64 * 1024, max_import_bytes=1024 * 1024)
    app = create_app(settings, TokenVerifier(public, issuer=ISSUER, audience=AUDIENCE, roles=SERVICE.roles))
    token = issue_token(private, subject="fuzz", role="operator_admin", estates=["*"], issuer=ISSUER,
                        audience=AUDIENCE)
    secrets = _seed_owners(app, token)
    with _serve(app, "owners") as (base_url, lines):
        yield Served(base_url, token, secrets, lines)


def _seed_owners(app, token: str) -> list[str]:
    """An estate with a person, a staff member and a visitor, whose full numbers must not show."""
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}

    def post(path: str, body: dict) -> dict:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.json

    estate = post("/api/v1/estates", {"code": "FUZZ", "name": "模糊花园"})["id"]
    building = post(f"/api/v1/estates/{estate}/buildings", {"code": "1", "name": "1栋", "floors": 30})["id"]
    unit = post(f"/api/v1/buildings/{building}/units", {"number": "1-1201", "floor": 12})["id"]
    owner = post("/api/v1/people", {"estate_id": estate, "name": "王芳", "contact_points": [
        {"kind": "mobile", "value": "13912340001"}, {"kind": "email", "value": "13912340001@139.com"},
        {"kind": "other", "value": "075588886666"}],
        "occupancy": {"unit_id": unit, "role": "owner", "moved_in_on": "2024-03-01"}})["id"]
    fixer = post("/api/v1/staff", {"estate_id": estate, "name": "李师傅", "role": "technician",
                                   "mobile": "13700001111"})["id"]
    post("/api/v1/departments", {"code": "engineering", "name": "工程部"})  # the operator's template
    post("/api/v1/departments", {"estate_id": estate, "code": "engineering", "name": "工程部", "supervisor_id": fixer,
                                 "member_ids": [fixer]})
    post("/api/v1/equipment", {"estate_id": estate, "building_id": building, "kind": "lift", "identifier": "1栋-1号梯",
                               "name": "1栋1号客梯", "maintenance_contractor": "某电梯维保公司"})
    post("/api/v1/companies", {"estate_id": estate, "name": "模糊科技有限公司", "unit_ids": [unit],
                               "contacts": [{"person_id": owner, "title": "行政经理"}]})
    committee = post("/api/v1/committees", {"estate_id": estate, "name": "第一届业主委员会",
                                            "term_starts_on": "2024-01-01"})["id"]
    post(f"/api/v1/committees/{committee}/members", {"person_id": owner, "role": "chair", "starts_on": "2024-01-01"})
    post(f"/api/v1/committees/{committee}/contacts", {"kind": "meeting", "at": "2025-03-01T10:00:00+08:00",
                                                      "subject": "讨论电梯改造"})
    post("/api/v1/prospects", {"estate_id": estate, "name": "陈先生", "interest": "buyer", "mobile": "13500003333",
                               "staff_id": fixer})
    post("/api/v1/document-templates", {"code": "service_contract", "kind": "contract", "name": "物业服务合同",
                                        "paragraphs": ["乙方：{{ person_name }}"]})
    post(f"/api/v1/people/{owner}/documents", {"template_code": "service_contract"})
    post("/api/v1/visitors", {"host_unit_id": unit, "visitor_name": "赵", "visitor_mobile": "13600002222",
                              "id_type": "resident_id", "id_number": "11010519491231002X", "purpose": "探亲"})
    post("/api/v1/visitors", {"host_unit_id": unit, "visitor_name": "钱", "id_type": "other",
                              "id_number": "AB12345678", "purpose": "送货"})
    return ["13912340001", "13700001111", "13600002222", "075588886666", "11010519491231002X", "AB12345678",
            "5588886666", "13500003333"]


@contextmanager
def tickets_service(make_database: Callable[[], str]) -> Iterator[Served]:
    """tickets on its own database, its copy of owners seeded directly (the consumer's rows), with a
    token for the seeded estate: requests naming the estate, its units and people get real answers."""
    from servicekit.migrate import upgrade
    from tickets.app import create_app
    from tickets.service import SERVICE

    url = make_database()
    upgrade(SERVICE, url)
    estate, secrets = _seed_tickets_copy(url)
    with tempfile.TemporaryDirectory(prefix="fuzz-tickets-") as files:
        settings = SERVICE.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="INFO",
                                    max_body_bytes=64 * 1024, storage="local", attachments_dir=files)
        with _serve_for_estate(SERVICE, create_app, settings, estate, secrets) as served:
            yield served


@contextmanager
def _serve_for_estate(service, create_app, settings, estate: uuid.UUID,  # noqa: ANN001  (a Service, its factory)
                      secrets: list[str]) -> Iterator[Served]:
    """A consuming service's app served with a token for the one estate of its seeded copy."""
    private, public = generate_keypair()
    app = create_app(settings, TokenVerifier(public, issuer=ISSUER, audience=AUDIENCE, roles=service.roles))
    token = issue_token(private, subject="fuzz", role="operator_admin", estates=[str(estate)], issuer=ISSUER,
                        audience=AUDIENCE)
    with _serve(app, service.name) as (base_url, lines):
        yield Served(base_url, token, secrets, lines)


def _owner_and_tenant(estate: uuid.UUID, units: list[uuid.UUID], people: list[uuid.UUID]) -> list[dict]:
    """The occupancies of a seeded copy: the first person owns the first unit, the second rents the second."""
    return [{"id": uuid.uuid4(), "estate_id": estate, "unit_id": units[0], "person_id": people[0], "role": "owner",
             "moved_in_on": date(2024, 3, 1), "version": 1},
            {"id": uuid.uuid4(), "estate_id": estate, "unit_id": units[1], "person_id": people[1], "role": "tenant",
             "moved_in_on": date(2025, 1, 1), "version": 1}]


def _insert_places(conn, tables, code: str) -> tuple[uuid.UUID, list[uuid.UUID]]:  # noqa: ANN001
    """An estate of ``code`` with one building of two units, in a consumer's copy (``tables``, its
    tables module) on ``conn``: the estate's id and the units'."""
    from sqlalchemy import insert

    estate, building, units = uuid.uuid4(), uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    conn.execute(insert(tables.estates), [{"id": estate, "code": code, "name": "模糊花园", "version": 1}])
    conn.execute(insert(tables.buildings), [{"id": building, "estate_id": estate, "code": "1", "name": "1栋",
                                             "version": 1}])
    conn.execute(insert(tables.units), [
        {"id": unit, "estate_id": estate, "building_id": building, "number": f"1-{1201 + i}", "version": 1}
        for i, unit in enumerate(units)])
    return estate, units


def _seed_tickets_copy(url: str) -> tuple[uuid.UUID, list[str]]:
    """An estate with a building, two units, an owner and a tenant, a technician with a territory and
    a supervisor, as tickets' consumer would have copied them, and two categories; the full mobiles
    must not show."""
    from sqlalchemy import insert

    from servicekit.db import make_engine
    from tickets import tables

    estate, building = uuid.uuid4(), uuid.uuid4()
    units, people, staff = [uuid.uuid4(), uuid.uuid4()], [uuid.uuid4(), uuid.uuid4()], [uuid.uuid4(), uuid.uuid4()]
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(tables.estates), [{"id": estate, "code": "FUZZ", "name": "模糊花园", "version": 1}])
            conn.execute(insert(tables.buildings), [{"id": building, "estate_id": estate, "code": "1", "name": "1栋",
                                                     "version": 1}])
            conn.execute(insert(tables.units), [
                {"id": unit, "estate_id": estate, "building_id": building, "number": f"1-{1201 + i}", "floor": 12,
                 "version": 1} for i, unit in enumerate(units)])
            conn.execute(insert(tables.people), [
                {"id": people[0], "estate_id": estate, "name": "王芳", "mobile": "13912340001", "version": 1},
                {"id": people[1], "estate_id": estate, "name": "Li Na", "language": "en", "mobile": "13812340002",
                 "version": 1}])
            conn.execute(insert(tables.occupancies), _owner_and_tenant(estate, units, people))
            conn.execute(insert(tables.staff), [
                {"id": staff[0], "estate_id": estate, "name": "李师傅", "role": "technician",
                 "skills": ["plumbing", "electrical"], "active": True, "version": 1},
                {"id": staff[1], "estate_id": estate, "name": "赵主管", "role": "supervisor", "skills": [],
                 "active": True, "version": 1}])
            conn.execute(insert(tables.territories), [
                {"id": uuid.uuid4(), "estate_id": estate, "staff_id": staff[0], "building_id": building,
                 "released": False, "version": 1}])
            conn.execute(insert(tables.departments), [
                {"id": uuid.uuid4(), "estate_id": estate, "code": "engineering", "name": "工程部",
                 "supervisor_id": staff[1], "members": [str(staff[0])], "active": True, "version": 1}])
            conn.execute(insert(tables.equipment), [
                {"id": uuid.uuid4(), "estate_id": estate, "building_id": building, "kind": "lift",
                 "identifier": "1栋-1号梯", "name": "1栋1号客梯", "location": "", "active": True, "version": 1}])
            # Categories are the service's own (configurable per operator or per estate), not the copy's.
            conn.execute(insert(tables.categories), [
                {"id": uuid.uuid4(), "estate_id": None, "kind": "repair", "code": "plumbing", "name_zh": "给排水",
                 "name_en": "Plumbing", "skill": "plumbing", "active": True},
                {"id": uuid.uuid4(), "estate_id": estate, "kind": "inquiry", "code": "fees", "name_zh": "收费咨询",
                 "name_en": "Fees", "skill": None, "active": True}])
    finally:
        engine.dispose()
    return estate, ["13912340001", "13812340002"]


@contextmanager
def notify_service(make_database: Callable[[], str]) -> Iterator[Served]:
    """notify on its own database, its copy of owners seeded directly (the consumer's rows) with the
    demo's templates and past notices on top (``notify load-demo``), with a token for that estate."""
    from notify.app import create_app
    from notify.demo import DEMO
    from notify.service import SERVICE
    from servicekit.demo import load_demo
    from servicekit.migrate import upgrade

    url = make_database()
    upgrade(SERVICE, url)
    estate, secrets = _seed_notify_copy(url)
    settings = SERVICE.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="INFO",
                                max_body_bytes=64 * 1024)
    assert load_demo(SERVICE, settings, DEMO) == 0
    with _serve_for_estate(SERVICE, create_app, settings, estate, secrets) as served:
        yield served


def _seed_notify_copy(url: str) -> tuple[uuid.UUID, list[str]]:
    """The demo estate's code with a building, two units, an owner and an English-speaking tenant
    with mobiles and e-mails, and a staff member, as notify's consumer would have copied them; the
    full mobiles must not show."""
    from sqlalchemy import insert

    from notify import tables
    from notify.demo import CODE
    from servicekit.db import make_engine

    people = [uuid.uuid4(), uuid.uuid4()]
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            estate, units = _insert_places(conn, tables, CODE)
            conn.execute(insert(tables.people), [
                {"id": people[0], "estate_id": estate, "name": "王芳", "mobile": "13912340001",
                 "email": "wangfang@example.com", "version": 1},
                {"id": people[1], "estate_id": estate, "name": "Li Na", "language": "en", "preferred_channel": "email",
                 "mobile": "13812340002", "email": "lina@example.com", "version": 1}])
            conn.execute(insert(tables.occupancies), _owner_and_tenant(estate, units, people))
            conn.execute(insert(tables.staff), [
                {"id": uuid.uuid4(), "estate_id": estate, "name": "赵主管", "role": "supervisor",
                 "mobile": "13700001111", "active": True, "version": 1}])
    finally:
        engine.dispose()
    return estate, ["13912340001", "13812340002", "13700001111"]


@contextmanager
def gateway_service(make_database: Callable[[], str]) -> Iterator[Served]:
    """The gateway as deployed: verifying with its own keys, with a token it signed itself."""
    from sqlalchemy.orm import sessionmaker

    from gateway.app import create_app
    from gateway.keys.signing import Signer
    from gateway.keys.use_cases import ensure_key
    from gateway.service import SERVICE
    from servicekit.db import make_engine
    from servicekit.migrate import upgrade

    url = make_database()
    upgrade(SERVICE, url)
    settings = SERVICE.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="INFO",
                                max_body_bytes=64 * 1024, environment="development")
    engine = make_engine(url)
    try:
        sessions = sessionmaker(engine, expire_on_commit=False)
        ensure_key(SERVICE.unit_of_work(sessions), settings)
        token, _ = Signer(sessions, settings).sign(subject="fuzz", role="operator_admin", estates=["*"])
        with _serve(create_app(settings), "gateway") as (base_url, lines):
            yield Served(base_url, token, [], lines)
    finally:
        engine.dispose()



@contextmanager
def surveys_service(make_database: Callable[[], str]) -> Iterator[Served]:
    """surveys on its own database, its copy of owners seeded directly (the consumer's rows) with the
    demo's questionnaire on top (``surveys load-demo``), with a token for that estate."""
    from servicekit.demo import load_demo
    from servicekit.migrate import upgrade
    from surveys.app import create_app
    from surveys.demo import DEMO
    from surveys.service import SERVICE

    url = make_database()
    upgrade(SERVICE, url)
    estate = _seed_surveys_copy(url)
    # The fuzzer guesses answer tokens by the thousand from one address: the guessing limit (a 429, its
    # own test's) would answer most of them instead of the routes under test.
    settings = SERVICE.settings(database_url=url, amqp_url="amqp://unused", port=0, log_level="INFO",
                                max_body_bytes=64 * 1024, token_guesses=1_000_000)
    assert load_demo(SERVICE, settings, DEMO) == 0
    with _serve_for_estate(SERVICE, create_app, settings, estate, []) as served:
        yield served


def _seed_surveys_copy(url: str) -> uuid.UUID:
    """The demo estate's code with a building, two occupied units, a supervisor with a territory, as
    surveys' consumer would have copied them."""
    from sqlalchemy import insert

    from servicekit.db import make_engine
    from surveys import tables
    from surveys.demo import CODE

    staff, people = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            estate, units = _insert_places(conn, tables, CODE)
            conn.execute(insert(tables.people), [
                {"id": people[0], "estate_id": estate, "name": "王芳", "version": 1},
                {"id": people[1], "estate_id": estate, "name": "Li Na", "language": "en", "version": 1}])
            conn.execute(insert(tables.occupancies), _owner_and_tenant(estate, units, people))
            conn.execute(insert(tables.staff), [{"id": staff, "estate_id": estate, "name": "赵主管",
                                                 "role": "supervisor", "active": True, "version": 1}])
            conn.execute(insert(tables.territories), [{"id": uuid.uuid4(), "estate_id": estate, "staff_id": staff,
                                                       "building_id": None, "released": False, "version": 1}])
    finally:
        engine.dispose()
    return estate


# One entry per service under services/ and the gateway; test_every_service_is_fuzzed keeps it complete.
SERVICES: dict[str, Callable[..., contextmanager]] = {"owners": owners_service, "tickets": tickets_service,
                                                      "notify": notify_service, "surveys": surveys_service,
                                                      "gateway": gateway_service}


def test_every_service_is_fuzzed():
    present = {p.parent.name for p in [*(ROOT / "services").glob("*/pyproject.toml"),
                                       *ROOT.glob("gateway/pyproject.toml")]}
    assert present == set(SERVICES), f"add a fixture to SERVICES for: {sorted(present - set(SERVICES))}"


def _run_schemathesis(served: Served, report_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG),
        "run", f"{served.base_url}/openapi.json", "--checks", "all", "--workers", "1",
        "--max-examples", str(MAX_EXAMPLES), "--seed", os.environ.get("FUZZ_SEED", "1"),
        "--continue-on-failure", "--no-color", "--report", "ndjson", "--report-dir", str(report_dir),
        "-H", f"Authorization: Bearer {served.token}",
    ]
    # Run in the report folder: its hypothesis and schemathesis caches stay out of the work tree,
    # and every run starts from the same seed alone.
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=report_dir,
                          env={**os.environ, "SCHEMATHESIS_HOOKS": ""})


def _interactions(report_dir: Path) -> list[dict]:
    found = []
    for report in report_dir.glob("*.ndjson"):
        for line in report.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            recorder = event.get("ScenarioFinished", {}).get("recorder", {})
            found.extend(recorder.get("interactions", {}).values())
    return found


def _text(body: dict | None) -> str:
    if not body:
        return ""
    if "$base64" in body:
        return base64.b64decode(body["$base64"]).decode("utf-8", errors="replace")
    return str(body.get("string", ""))


@pytest.mark.slow
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_schemathesis_finds_no_failure(service, make_database, tmp_path):
    with SERVICES[service](make_database) as served:
        import urllib.request

        with urllib.request.urlopen(f"{served.base_url}/openapi.json") as response:
            document = json.load(response)
        validate(document)
        assert document.get("paths"), f"{service} serves no operation"
        done = _run_schemathesis(served, tmp_path)
        interactions = _interactions(tmp_path)
        statuses = [i["response"]["status_code"] for i in interactions if i.get("response")]
        summary = done.stdout[done.stdout.rfind("SUMMARY"):]
        print(f"{service}: {len(interactions)} requests; server errors {sum(s >= 500 for s in statuses)}\n{summary}")
        assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]
        assert interactions, "schemathesis sent no request"
        assert not [s for s in statuses if s >= 500]
        for interaction in interactions:
            shown = _text(interaction.get("response", {}).get("content"))
            leaked = [s for s in served.secrets if s in shown]
            assert not leaked, f"{interaction['request']['method']} {interaction['request']['uri']} showed {leaked}"
        logged = [line for line in served.log_lines if any(s in line for s in served.secrets)]
        assert not logged, logged[:5]
