"""docs/new-service.md makes a whole service: this test writes every file the page shows into a
temporary folder and runs that service's revision, migrate, topology, relay, consumer and web
against the real PostgreSQL and RabbitMQ. An entry signed through the web API goes through the
outbox and the relay and is counted by the consumer, once."""

from __future__ import annotations

import importlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from servicekit.auth import issue_token
from servicekit.db import make_engine
from servicekit.tokens import generate_keypair

DOC = Path(__file__).resolve().parents[2] / "docs" / "new-service.md"
FILE_BLOCK = re.compile(r"^#### `([^`]+)`\n\n```\w*\n(.*?)^```", re.M | re.S)
ISSUER, AUDIENCE = "skeleton-test", "estatedesk"


def write_service(folder: Path) -> list[str]:
    """Every file block of the page, written below ``folder``; their paths."""
    files = FILE_BLOCK.findall(DOC.read_text(encoding="utf-8"))
    for name, body in files:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    # "mkdir -p src/guestbook/migrations/versions contracts", as the page says.
    (folder / "src" / "guestbook" / "migrations" / "versions").mkdir(parents=True)
    (folder / "contracts").mkdir()
    return [name for name, _ in files]


@pytest.fixture
def guestbook(tmp_path: Path, make_database, amqp_vhost_url: str, monkeypatch) -> Iterator[dict]:
    folder = tmp_path / "guestbook"
    written = write_service(folder)
    private, public = generate_keypair()
    env = {**os.environ, "PYTHONPATH": str(folder / "src"), "DATABASE_URL": make_database(),
           "AMQP_URL": amqp_vhost_url, "LOG_LEVEL": "WARNING", "JWT_PUBLIC_KEY": public,
           "JWT_ISSUER": ISSUER, "JWT_AUDIENCE": AUDIENCE}
    for name in ("DATABASE_URL", "AMQP_URL", "JWT_PUBLIC_KEY", "JWT_ISSUER", "JWT_AUDIENCE"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.syspath_prepend(str(folder / "src"))
    yield {"folder": folder, "env": env, "private": private, "written": written}
    for module in [m for m in sys.modules if m == "guestbook" or m.startswith("guestbook.")]:
        del sys.modules[module]


def cli(env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "guestbook.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def start(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "guestbook.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err


def test_the_page_shows_a_service_made_of_its_own_parts_only(guestbook):
    assert sorted(guestbook["written"]) == [
        "pyproject.toml", "src/guestbook/__init__.py", "src/guestbook/access.py", "src/guestbook/api.py",
        "src/guestbook/app.py", "src/guestbook/cli.py", "src/guestbook/entries/__init__.py",
        "src/guestbook/entries/api.py", "src/guestbook/entries/schemas.py", "src/guestbook/entries/use_cases.py",
        "src/guestbook/entries/views.py", "src/guestbook/events.py", "src/guestbook/handlers.py",
        "src/guestbook/service.py", "src/guestbook/tables.py"]


def test_an_entry_signed_through_the_api_reaches_the_consumer_through_outbox_and_relay(guestbook):
    env = guestbook["env"]
    cli(env, "revision", "-m", "initial schema")
    assert len(list((guestbook["folder"] / "src/guestbook/migrations/versions").glob("*.py"))) == 1
    cli(env, "migrate")
    assert "declared" in cli(env, "topology")
    cli(env, "openapi")
    document = (guestbook["folder"] / "contracts" / "openapi.json").read_text(encoding="utf-8")
    assert '"/api/v1/entries"' in document

    app = importlib.import_module("guestbook.app").create_app()
    client = app.test_client()
    estate = "7d0c5d4e-6f3a-4c1e-9b59-3f1f0a8c2d11"
    token = issue_token(guestbook["private"], subject="desk", role="service_desk_agent", estates=[estate],
                        issuer=ISSUER, audience=AUDIENCE)
    headers = {"Authorization": f"Bearer {token}"}
    other_estate = client.post("/api/v1/entries", headers=headers, json={
        "estate_id": "00000000-0000-4000-8000-000000000000", "name": "x", "remark": "y"})
    assert other_estate.status_code == 404  # outside the caller's estates, as if it did not exist
    blank = client.post("/api/v1/entries", headers=headers, json={"estate_id": estate, "name": "x", "remark": " "})
    assert blank.status_code == 422 and blank.json["errors"] == {"remark": ["is blank"]}
    assert blank.json["detail"] == "a remark says something" and blank.json["title"] == "Unprocessable Content"
    in_chinese = client.post("/api/v1/entries", headers={**headers, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"},
                             json={"estate_id": estate, "name": "x", "remark": " "})
    assert (in_chinese.json["detail"], in_chinese.json["title"]) == ("留言不能为空", "请求内容无效")
    assert in_chinese.headers["Content-Language"] == "zh-CN"

    relay, consumer = start(env, "relay"), start(env, "consume")
    engine = make_engine(env["DATABASE_URL"])
    try:
        for name in ("王芳", "李伟"):
            signed = client.post("/api/v1/entries", headers=headers, json={"estate_id": estate, "name": name,
                                                                           "remark": "很好"})
            assert signed.status_code == 201, signed.json
        assert client.get("/api/v1/entries", headers=headers).json["items"][0]["name"] == "李伟"
        # A retry with its Idempotency-Key answers the first entry; the same key with another body is refused.
        keyed = {**headers, "Idempotency-Key": "visit-42"}
        first, retry, other = (client.post("/api/v1/entries", headers=keyed,
                                           json={"estate_id": estate, "name": "张敏", "remark": remark})
                               for remark in ("好", "好", "差"))
        assert (first.status_code, retry.status_code, other.status_code) == (201, 201, 422)
        assert retry.json["id"] == first.json["id"]
        deadline = time.monotonic() + 90
        counted = 0
        while time.monotonic() < deadline and counted < 3:
            with engine.connect() as conn:
                counted = conn.execute(text("SELECT entries FROM tallies")).scalar() or 0
            time.sleep(0.2)
        assert counted == 3, (stop(relay), stop(consumer))
        with engine.connect() as conn:
            outbox = importlib.import_module("guestbook.tables").outbox.table
            unpublished = conn.execute(select(func.count()).select_from(outbox)
                                       .where(outbox.c.published_at.is_(None))).scalar_one()
            applied = conn.execute(text("SELECT count(*) FROM inbox")).scalar_one()
        assert (unpublished, applied) == (0, 3)
        # The standard chores of a consuming service work on it too.
        assert "0 dead letter(s) in guestbook.dead" in cli(env, "dead-letters", "list")
        assert "replayed 3 past events to guestbook.inbox" in cli(env, "replay", "--consumer", "guestbook")
    finally:
        relay_errors, consumer_errors = stop(relay), stop(consumer)
        engine.dispose()
    assert relay.returncode == 0, relay_errors
    assert consumer.returncode == 0, consumer_errors
