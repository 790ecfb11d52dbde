"""`make run`'s script brings the whole suite up on one machine: every web process answers
/healthz, the demo estate is searchable, the relay empties the outbox, and Ctrl-C stops it all.

Runs the real script (deploy/scripts/run-local.sh) against a scratch var/ folder, a free port and
this test run's own RabbitMQ vhost, so it never touches a developer's running `make run`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "scripts" / "run-local.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _procfile_web_ports(port: int) -> dict[str, int]:
    names = [line.split(":", 1)[0] for line in (ROOT / "deploy" / "Procfile").read_text().splitlines()
             if line and not line.startswith("#")]
    return {name: port for name in names if name.endswith("-web")}


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "honcho").exists(), reason="run through `make test`")
def test_make_run_brings_up_the_suite_with_the_demo_estate(tmp_path, amqp_vhost_url):
    port = _free_port()
    env = {**os.environ, "ESTATEDESK_VAR": str(tmp_path / "var"), "OWNERS_PORT": str(port),
           "AMQP_URL": amqp_vhost_url, "ESTATEDESK_ROOT": str(ROOT)}
    env.pop("DATABASE_URL", None)  # the embedded default, as on a newcomer's machine
    log = open(tmp_path / "run.log", "w")
    suite = subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                             start_new_session=True)
    try:
        for name, web_port in _procfile_web_ports(port).items():
            url = f"http://127.0.0.1:{web_port}/healthz"
            _wait(lambda url=url: _get(url)[0] == 200, 120, f"{name} /healthz")
        assert _get(f"http://127.0.0.1:{port}/readyz")[0] == 200

        token = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "servicekit-token"), "issue", "--role", "service_desk_agent",
             "--estate", "*"], env=env, capture_output=True, text=True, check=True).stdout.strip()
        for _ in range(4):  # enough requests that both gunicorn workers serve some
            status, found = _get(f"http://127.0.0.1:{port}/api/v1/people?q=%E5%BC%A0&page_size=5", token)
            assert status == 200 and found["items"], found
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        searches = [line for line in metrics.splitlines()
                    if line.startswith("http_requests_total{") and 'endpoint="/api/v1/people"' in line]
        assert sum(float(line.rsplit(" ", 1)[1]) for line in searches) == 4, searches

        outbox = tmp_path / "var" / "owners.sqlite3"

        def outbox_drained() -> bool:
            with sqlite3.connect(outbox) as db:
                pending, total = db.execute(
                    "SELECT sum(published_at IS NULL), count(*) FROM outbox").fetchone()
            return total > 1000 and pending == 0

        _wait(outbox_drained, 120, "the relay to publish the demo estate's events")
    finally:
        os.killpg(suite.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            suite.wait(timeout=30)
        finally:
            if suite.poll() is None:
                os.killpg(suite.pid, signal.SIGKILL)
            log.close()
    leftovers = subprocess.run(["pgrep", "-f", f"0.0.0.0:{port}"], capture_output=True, text=True).stdout
    assert leftovers == "", "Ctrl-C left processes running"
