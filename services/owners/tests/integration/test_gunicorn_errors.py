"""Requests gunicorn refuses before the app sees them are answered as problem details, not HTML."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    port = _free_port()
    env = {**os.environ, "ESTATEDESK_VAR": str(var), "DATABASE_URL": f"sqlite:///{var}/owners.sqlite3",
           "OWNERS_PORT": str(port), "OWNERS_WEB_WORKERS": "1", "LOG_LEVEL": "WARNING",
           "PROMETHEUS_MULTIPROC_DIR": str(var / "prometheus")}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-c", "python:owners.gunicorn_conf", "owners.app:create_app()"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stderr.read().decode()[-3000:])
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(30)


def _raw(port: int, request: bytes) -> tuple[str, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


@pytest.mark.parametrize(("request_bytes", "status"), [
    pytest.param(b"GET /healthz?q=" + b"1" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, id="request-line-too-long"),
    pytest.param(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431,
                 id="header-too-large"),
])
def test_gunicorn_refusals_are_problem_details(gunicorn_port, request_bytes, status):
    line, headers, body = _raw(gunicorn_port, request_bytes)
    assert line.split(" ")[1] == str(status), line
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    assert b"1111111111" not in body  # the refused request line is not echoed back


def test_the_app_still_answers(gunicorn_port):
    line, _, body = _raw(gunicorn_port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert " 200 " in line and json.loads(body)["status"] == "ok"
