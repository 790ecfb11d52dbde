"""The secret part of the receipts callback's path is its credential: no log line of a served notify
holds it, not gunicorn's error lines (which quote a bad request line whole), not its access lines,
not the app's JSON lines."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

SECRET = "estatedesk-local-receipts"
PATH = f"/api/v1/receipts/aliyun/{SECRET}".encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _send(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


def test_no_log_line_holds_the_callback_secret(tmp_path) -> None:
    port = _free_port()
    env = {**os.environ, "ESTATEDESK_VAR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/notify.sqlite3",
           "NOTIFY_PORT": str(port), "NOTIFY_WEB_WORKERS": "1", "LOG_LEVEL": "INFO",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus")}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-c", "python:notify.gunicorn_conf", "--access-logfile", "-",
                                "notify.app:create_app()"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # A request line gunicorn cannot parse: its error line quotes it whole.
        assert b" 400 " in _send(port, b"GET " + PATH + b"\x01 HTTP/1.1\r\nHost: x\r\n\r\n")[:20]
        # Requests the app answers: the access line quotes the path.
        hostile = b"[" * 40 + b"]" * 40
        answer = _send(port, b"POST " + PATH + b"?x=1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                       b"Connection: close\r\nContent-Length: 80\r\n\r\n" + hostile)
        assert b" 400 " in answer[:20]
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert "/api/v1/receipts/aliyun/[redacted]" in output, output[-3000:]
    assert SECRET not in output, output[-3000:]
