"""The generic JSON HTTP SMS adapter against a small provider server, over real HTTP."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from notify.providers.base import OutcomeUnknown
from notify.providers.http_sms import HttpSms


class Provider:
    """Takes messages to numbers not ending in 0; refuses 0-ending ones for good; 429 while ``busy``;
    drops the connection once when ``drop``."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[str, Any]] = {}
        self.busy = self.drop = False
        self.authorizations: set[str] = set()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "3")
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802
                provider.authorizations.add(self.headers.get("Authorization", ""))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if provider.busy:
                    return self._answer(429, {"error": "slow down"})
                answers = []
                for item in body["messages"]:
                    if item["to"].endswith("0"):
                        answers.append({"id": item["id"], "status": "rejected", "code": "BAD_NUMBER",
                                        "reason": "no such number", "permanent": True})
                    else:
                        provider.kept[item["id"]] = item
                        answers.append({"id": item["id"], "status": "accepted", "ref": "ref-" + item["id"][:8]})
                if provider.drop:
                    provider.drop = False
                    self.close_connection = True
                    return None
                return self._answer(200, {"messages": answers})

            def do_GET(self) -> None:  # noqa: N802
                id_ = self.path.rsplit("/", 1)[-1]
                if id_ in provider.kept:
                    return self._answer(200, {"id": id_, "ref": "ref-" + id_[:8], "status": "accepted"})
                return self._answer(404, {"error": "not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def provider() -> Iterator[Provider]:
    server = Provider()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_answers_per_message(provider, sms_settings, sms) -> None:
    adapter = HttpSms(sms_settings(provider.url))
    good, bad = sms("13900000001"), sms("13900000010")
    result = adapter.send(uuid.uuid4(), [good, bad])
    assert result.accepted == {good.message_id: "ref-" + str(good.message_id)[:8]}
    [rejected] = result.rejected
    assert (rejected.message_id, rejected.code, rejected.permanent) == (bad.message_id, "BAD_NUMBER", True)
    assert provider.kept[str(good.message_id)]["text"] == good.body
    assert provider.authorizations == {"Bearer test-secret"}


def test_429_is_throttling(provider, sms_settings, sms) -> None:
    provider.busy = True
    result = HttpSms(sms_settings(provider.url)).send(uuid.uuid4(), [sms("13900000001")])
    assert result.throttled and result.retry_after == 3 and not result.accepted


def test_a_lost_answer_is_unknown_and_find_sent_asks_per_message(provider, sms_settings, sms) -> None:
    adapter = HttpSms(sms_settings(provider.url))
    went, never = sms("13900000001"), sms("13900000002")
    provider.drop = True
    with pytest.raises(OutcomeUnknown):
        adapter.send(uuid.uuid4(), [went])
    assert adapter.find_sent(uuid.uuid4(), [went, never], datetime.now(tz=UTC)) == {
        went.message_id: "ref-" + str(went.message_id)[:8]}


def test_plans_calls_of_the_batch_size(sms_settings, sms, numbers) -> None:
    adapter = HttpSms(sms_settings("http://127.0.0.1:9"), batch=40)
    assert [len(c) for c in adapter.plan([sms(n) for n in numbers(100)])] == [40, 40, 20]
