"""deploy/scripts/ensure-servers.sh (what `make test` and CI run first): a broker that accepts
connections but does not answer AMQP is an error at once, naming what to do, not a pass that leaves
the tests hanging in their first declare (seen once: a wedged node, 11 minutes per test)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "scripts" / "ensure-servers.sh"


def _ensure_rabbitmq(amqp_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), "rabbitmq"], env={**os.environ, "AMQP_URL": amqp_url},
                          capture_output=True, text=True, timeout=60, check=False)


def test_a_broker_that_accepts_connections_but_does_not_answer_amqp_is_an_error() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        done = _ensure_rabbitmq(f"amqp://guest:guest@127.0.0.1:{silent.getsockname()[1]}/%2F")
    assert done.returncode == 1, done.stdout
    assert "does not answer AMQP" in done.stderr and "restart" in done.stderr


def test_the_broker_the_tests_use_answers_amqp() -> None:
    url = os.environ.get("TEST_AMQP_URL") or os.environ.get("AMQP_URL") or "amqp://guest:guest@localhost:5672/%2F"
    done = _ensure_rabbitmq(url)
    assert done.returncode == 0 and "rabbitmq answers" in done.stdout, done.stderr
