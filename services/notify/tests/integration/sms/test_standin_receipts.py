"""The stand-in pushes delivery receipts as Aliyun's SmsReport does, to a real callback server."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class Callback:
    """A callback server that keeps what it is pushed; it answers ``{"code": 1}`` to the first ``refuse`` pushes."""

    def __init__(self) -> None:
        self.pushes: list[list[dict[str, Any]]] = []
        self.refuse = 0
        self.lock = threading.Lock()
        callback = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with callback.lock:
                    refused = callback.refuse > 0
                    callback.refuse -= refused
                    if not refused:
                        callback.pushes.append(body)
                data = json.dumps({"code": 1 if refused else 0, "msg": "失败" if refused else "成功"}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/receipts"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def reports(self) -> list[dict[str, Any]]:
        with self.lock:
            return [report for push in self.pushes for report in push]


@pytest.fixture
def callback() -> Iterator[Callback]:
    server = Callback()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_receipts_are_pushed_in_batches_of_at_most_100(standin, aliyun, callback, sms, numbers, wait_for) -> None:
    standin.configure(callback=callback.url, fail_suffixes=["13"])
    messages = [sms(n, month="3月") for n in numbers(250)]
    call_id = uuid.uuid4()
    result = aliyun.send(call_id, messages)
    assert wait_for(lambda: len(callback.reports()) == 250)
    assert max(len(push) for push in callback.pushes) <= 100 and len(callback.pushes) >= 3
    by_number = {r["phone_number"]: r for r in callback.reports()}
    assert set(by_number) == {m.address for m in messages}
    assert {r["biz_id"] for r in by_number.values()} == {result.provider_ref}
    assert {r["out_id"] for r in by_number.values()} == {str(call_id)}
    failed = {n for n, r in by_number.items() if not r["success"]}
    assert failed == {n for n in by_number if n.endswith("13")}
    assert {(by_number[n]["err_code"], by_number[n]["err_msg"]) for n in failed} == {("MN:0001", "空号")}
    assert {by_number[n]["err_code"] for n in set(by_number) - failed} == {"DELIVERED"}


def test_a_push_not_answered_code_0_is_pushed_again(standin, aliyun, callback, sms, wait_for) -> None:
    callback.refuse = 2
    standin.configure(callback=callback.url)
    aliyun.send(uuid.uuid4(), [sms("13900000020", month="3月")])
    assert wait_for(lambda: len(callback.reports()) == 1)
    assert wait_for(lambda: standin.stats()["receipt_failures"] == 2)


def test_receipts_can_be_duplicated_on_purpose(standin, aliyun, callback, sms, wait_for) -> None:
    standin.configure(callback=callback.url, duplicate_receipts=True)
    aliyun.send(uuid.uuid4(), [sms("13900000021", month="3月")])
    assert wait_for(lambda: len(callback.reports()) == 2)
    first, second = callback.reports()
    assert first == second
