"""Webhooks: signed as Standard Webhooks say (checked here independently), retried with backoff,
the endpoint's failure state kept, and disabled after too many failures."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from sqlalchemy import insert, select

from notify.providers.webhooks import CheckedBackend, CheckedTransport, Webhooks, endpoint_loader
from notify.sending.worker import Sender
from notify.tables import webhook_endpoints
from notify.webhooks.addresses import allowed_hosts

KEY = b"a shared secret of the receiver"


class Receiver:
    """A company system: answers ``status``; keeps each request whose signature it could verify."""

    def __init__(self) -> None:
        self.status, self.verified, self.bad = 200, [], 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                id_, ts = self.headers["webhook-id"], self.headers["webhook-timestamp"]
                expected = base64.b64encode(hmac.new(KEY, f"{id_}.{ts}.".encode() + body, hashlib.sha256).digest())
                if self.headers["webhook-signature"] == "v1," + expected.decode():
                    outer.verified.append((id_, json.loads(body)))
                else:
                    outer.bad += 1
                self.send_response(outer.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"


def test_signed_delivery_failure_state_and_disabling(db, settings, clock, kit) -> None:
    receiver = Receiver()
    endpoint = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(insert(webhook_endpoints).values(
            id=endpoint, name="billing", url=receiver.url, secret="whsec_" + base64.b64encode(KEY).decode(),
            created_at=clock.now))
    # The receiver listens on 127.0.0.1, which the operator allows (notify.webhooks.addresses).
    config = dataclasses.replace(settings, webhook_disable_after=3, max_attempts=10, webhook_allowed_hosts="127.0.0.1")
    worker = Sender(db, config, {"webhook": Webhooks(config, endpoint_loader(db))}, clock=clock)

    def endpoint_state():  # noqa: ANN202
        with db.connect() as conn:
            return conn.execute(select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint)).mappings().one()

    [first] = kit.add_messages(db, None, 1, channel="webhook", address=lambda n: str(endpoint))
    worker.round()
    assert receiver.bad == 0 and [m for m, _ in receiver.verified] == [str(first)]
    assert receiver.verified[0][1]["data"]["body"].startswith("尊敬的业主0")
    assert [r["state"] for r in kit.states_of(db)] == ["delivered"]

    receiver.status = 503
    [failing] = kit.add_messages(db, None, 1, channel="webhook", address=lambda n: str(endpoint), now=clock.now)
    for n in range(3):
        worker.round()
        row = next(r for r in kit.states_of(db) if r["id"] == failing)
        state = endpoint_state()
        assert state["consecutive_failures"] == n + 1 and state["failing_since"] == kit.T0
        assert state["last_error"].startswith("http_503")
        if n < 2:
            assert row["state"] == "queued" and state["disabled_at"] is None
            clock.now = row["next_attempt_at"]  # the backoff passes
    assert endpoint_state()["disabled_at"] == clock.now
    clock.now = row["next_attempt_at"]
    receiver.status = 200
    worker.round()  # the endpoint is disabled: the message fails with that reason, nothing is posted
    row = next(r for r in kit.states_of(db) if r["id"] == failing)
    assert (row["state"], row["failure_code"]) == ("failed", "endpoint_disabled")
    assert "disabled" in row["failure_reason"] and len(receiver.verified) == 1 + 3  # none after disabling
    receiver.server.shutdown()


def test_an_endpoint_on_an_internal_address_gets_nothing_unless_the_operator_allows_it(db, settings, clock,
                                                                                        kit) -> None:
    """Issue 16: an endpoint whose URL is 127.0.0.1 (written before URLs were checked) or whose name
    resolves there at send time gets no request unless the operator allows the host; its message fails
    for good, saying why; an allowed name is connected to at the very address that was checked."""
    receiver = Receiver()
    named, literal = uuid.uuid4(), uuid.uuid4()
    port = receiver.server.server_address[1]

    def resolve(host, port_, type=0):  # noqa: A002  (getaddrinfo's own name): a DNS that rebinds to here
        assert host == "hooks.example.com"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port_))]

    with db.begin() as conn:
        for id_, url in ((named, f"http://hooks.example.com:{port}/hooks"), (literal, receiver.url)):
            conn.execute(insert(webhook_endpoints).values(
                id=id_, name="billing", url=url, secret="whsec_" + base64.b64encode(KEY).decode(),
                created_at=clock.now))

    def webhooks(allowed: str) -> Webhooks:
        config = dataclasses.replace(settings, webhook_allowed_hosts=allowed)
        client = httpx.Client(transport=CheckedTransport(CheckedBackend(allowed_hosts(allowed), resolve)))
        return Webhooks(config, endpoint_loader(db), client=client)

    kit.add_messages(db, None, 2, channel="webhook", address=lambda n: str((named, literal)[n]))
    Sender(db, settings, {"webhook": webhooks("")}, clock=clock).round()
    rows = kit.states_of(db)
    assert [(r["state"], r["failure_code"]) for r in rows] == [("failed", "address_refused")] * 2
    assert "127.0.0.1" in rows[0]["failure_reason"] and receiver.verified == [] and receiver.bad == 0
    with db.connect() as conn:
        errors = conn.execute(select(webhook_endpoints.c.last_error)).scalars().all()
    assert len(errors) == 2 and all(e.startswith("address_refused") for e in errors)

    [again] = kit.add_messages(db, None, 1, channel="webhook", address=lambda n: str(named))
    Sender(db, settings, {"webhook": webhooks("hooks.example.com")}, clock=clock).round()
    assert [m for m, _ in receiver.verified] == [str(again)]
    receiver.server.shutdown()
