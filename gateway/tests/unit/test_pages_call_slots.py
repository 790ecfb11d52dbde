"""The owners' pages keep one thread of each gateway worker free of calls to services (the JWKS a
called service fetches from the gateway is served by it): with GATEWAY_WEB_THREADS=n, at most n - 1
calls wait at once (a page's, or a one-time code sent through notify), and the next is answered
"try again shortly" at once instead of waiting."""

from __future__ import annotations

import pytest

from gateway.owner_sign_in.notify import NotSent, send_code
from gateway.pages.backends import Backends, CallSlots, Unavailable


def test_all_threads_but_one_may_wait_on_services_and_the_next_call_is_refused_at_once() -> None:
    slots = CallSlots(3)
    with slots.taken("tickets"), slots.taken("notify"):
        with pytest.raises(Unavailable), slots.taken("tickets"):
            pass
    with slots.taken("tickets"), slots.taken("notify"):  # both given back
        pass


def test_a_page_whose_call_finds_no_slot_is_unavailable_before_anything_is_sent(caplog) -> None:
    slots = CallSlots(2)
    backends = Backends({"tickets": "127.0.0.1:9"}, 1.0, "zh-CN", "token", "198.51.100.7", slots)
    with slots.taken("notify"), pytest.raises(Unavailable):
        backends.get("tickets", "/api/v1/tickets")  # 127.0.0.1:9 never asked: refused before the call
    with slots.taken("notify"), pytest.raises(Unavailable):
        backends.download("tickets", "/api/v1/tickets/x/attachments/y")
    said = [r.getMessage() for r in caplog.records if r.name == "gateway.pages.backends"]
    assert said == ["the pages did not call tickets: every thread but one already waits on a service"] * 2


def test_a_one_time_code_finding_no_slot_is_not_sent() -> None:
    slots = CallSlots(2)
    send = send_code("http://127.0.0.1:9", 1.0, lambda: "token", slots)
    with slots.taken("tickets"), pytest.raises(NotSent, match="no thread free"):
        send("13812345678", "123456", "key-1")
