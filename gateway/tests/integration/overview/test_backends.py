"""The overview's transport (gateway.overview.backends) against a small HTTP server of its own: the
wait for all the answers is bounded as a whole (a service that trickles its answer past the timeout
is left out, though each of its reads comes within it), and each service is told the caller's
address as the gateway read it, never the X-Forwarded-For the caller sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask

from gateway.overview.backends import Question, ask_all


class _Service(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[dict[str, str]] = []
    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802  (http.server's name)
        type(self).seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path.startswith("/trickle"):
            # A byte at a time, each well within the timeout, the whole well past it.
            for byte in body:
                if type(self).release.wait(0.05):
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            else:
                return
        self.wfile.write(body)
        if self.path.startswith("/hang-up"):
            self.close_connection = True  # kept alive as far as the client knows: closed after it

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def service() -> Iterator[str]:
    _Service.seen = []
    _Service.release = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        _Service.release.set()
        server.shutdown()
        server.server_close()


def test_a_service_that_trickles_past_the_timeout_is_left_out_and_the_rest_answers(service: str) -> None:
    questions = {"quick": Question("owners", "/quick", {"page_size": 10}), "slow": Question("surveys", "/trickle")}
    # The trickle lasts about 14 × 0.05 s; every read of it is far within 0.3 s, the whole is not.
    answers = ask_all(questions, {"owners": service, "surveys": service}, {}, timeout=0.3)
    assert answers["quick"].status == 200 and answers["quick"].body == {"path": "/quick?page_size=10"}
    assert answers["slow"].status is None


def test_the_services_are_told_the_callers_address_as_the_gateway_read_it(service: str) -> None:
    app = Flask(__name__)
    forged = {"Authorization": "Bearer t", "X-Forwarded-For": "198.51.100.9"}
    with app.test_request_context("/", headers=forged, environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        answers = ask_all({"person": Question("owners", "/person")}, {"owners": service}, forged, timeout=2.0)
    assert answers["person"].status == 200
    [seen] = _Service.seen
    assert seen["x-forwarded-for"] == "203.0.113.7" and seen["authorization"] == "Bearer t"


def test_outside_a_request_no_address_is_claimed(service: str) -> None:
    answers = ask_all({"person": Question("owners", "/person")}, {"owners": service},
                      {"X-Forwarded-For": "198.51.100.9"}, timeout=2.0)
    assert answers["person"].status == 200
    assert "x-forwarded-for" not in _Service.seen[0]


def test_a_service_not_listening_is_no_answer() -> None:
    answers = ask_all({"person": Question("owners", "/person")}, {"owners": "127.0.0.1:9"}, {}, timeout=1.0)
    assert answers["person"].status is None


def test_a_connection_the_service_closed_after_its_answer_is_no_missing_part(service: str) -> None:
    """A service closes a kept-alive connection when it likes (gunicorn after its keep-alive): the next
    call that finds it closed goes out again on a new one, and the service is not named missing."""
    upstreams = {"owners": service}
    for _ in range(3):
        answers = ask_all({"person": Question("owners", "/hang-up")}, upstreams, {}, timeout=2.0)
        assert answers["person"].status == 200
    assert len(_Service.seen) == 3
