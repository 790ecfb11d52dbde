"""Asking the services at once: each question a GET to one service, sent in parallel with the
caller's own token (each service scopes and masks the answer for the caller as if asked directly),
each bounded by a timeout, and the whole of them by the same timeout: what has not answered by then
is left out. A service that is down, slow or failing is named, never raised: the overview answers
with what it has.

The GETs go out through http.client on connections kept alive across requests, each thread of the
pool its own per service: a call through httpx cost the gateway several times the CPU (its request
and response models, cookie jar and h11 parsing), through urllib3's pools still half as much again,
and the picture makes one call per service for every view. A connection the service closed while
it was kept (gunicorn closes an idle one after its keep-alive) is opened again and the GET sent once
more; a timeout is never sent again: the service was asked and did not answer in time."""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import has_request_context, request

log = logging.getLogger(__name__)

_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="overview")
# Each pool thread's kept-alive connections, by service address (host:port).
_KEPT = threading.local()
# Headers of the caller's request passed on to each service; and X-Forwarded-For, the caller's
# address as the gateway read it (a service trusting one proxy counts and audits the caller, not the
# gateway), never the header the caller sent.
PASSED_ON = ("Authorization", "Accept-Language", "X-Request-Id")
# What a connection the service had closed while it was kept gives the next GET sent on it.
_CLOSED_WHILE_KEPT = (ConnectionResetError, BrokenPipeError, http.client.BadStatusLine)


@dataclass(frozen=True)
class Question:
    service: str        # "tickets": where it goes (an upstream of the route table)
    path: str           # "/api/v1/tickets"
    params: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (down, timed out, not JSON)
    body: Any = None


def ask_all(questions: Mapping[str, Question], upstreams: Mapping[str, str], headers: Mapping[str, str],
            timeout: float) -> dict[str, Answer]:
    """Every question at once; each name's answer (status None when the service did not answer
    within ``timeout`` of the call: each call is bounded by it, and so is the wait for all of them)."""
    passed = {name: headers[name] for name in PASSED_ON if name in headers}
    if has_request_context() and request.remote_addr:
        passed["X-Forwarded-For"] = request.remote_addr
    deadline = time.monotonic() + timeout
    futures = {name: _POOL.submit(_ask, q, upstreams, passed, timeout) for name, q in questions.items()}
    answers = {}
    for name, future in futures.items():
        try:
            answers[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            log.warning("the overview went without %s: no answer within %s s", questions[name].service, timeout)
            answers[name] = Answer(None)
    return answers


def _ask(question: Question, upstreams: Mapping[str, str], headers: Mapping[str, str], timeout: float) -> Answer:
    address = upstreams.get(question.service)
    if not address:
        log.error("the overview has no address for %s", question.service)
        return Answer(None)
    url = f"{question.path}?{urlencode(question.params)}" if question.params else question.path
    try:
        status, body = _get(address, url, headers, timeout)
        return Answer(status, json.loads(body))
    except (OSError, http.client.HTTPException, ValueError) as exc:
        log.warning("the overview went without %s: %s", question.service, type(exc).__name__)
        return Answer(None)


def _get(address: str, url: str, headers: Mapping[str, str], timeout: float) -> tuple[int, bytes]:
    """The status and body of a GET on this thread's connection to ``address`` (opened when it has none)."""
    kept: dict[str, http.client.HTTPConnection] = _KEPT.__dict__.setdefault("connections", {})
    connection = kept.pop(address, None)
    while True:
        reused = connection is not None
        if connection is None:
            host, _, port = address.rpartition(":")
            connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        elif connection.sock is not None:
            connection.sock.settimeout(timeout)
        try:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except _CLOSED_WHILE_KEPT:
            connection.close()
            if not reused:
                raise
            connection = None  # closed while kept: once more on a new one
            continue
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            kept[address] = connection
        return response.status, body
