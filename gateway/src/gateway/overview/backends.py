"""Asking the services at once: each question a GET to one service, sent in parallel with the
caller's own token (each service scopes and masks the answer for the caller as if asked directly),
each bounded by a timeout, and the whole of them by the same timeout: what has not answered by then
is left out. A service that is down, slow or failing is named, never raised: the overview answers
with what it has.

The GETs go out through urllib3's connection pools, one per service address, kept alive across
requests: a call through httpx cost the gateway several times the CPU (its request and response
models, cookie jar and h11 parsing), and the picture makes one per service for every view."""

from __future__ import annotations

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

import urllib3
from flask import has_request_context, request
from urllib3.exceptions import HTTPError, ReadTimeoutError
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="overview")
# Connections kept per service address (a worker's threads × the calls of a view at once).
_KEPT_ALIVE = 16
# Headers of the caller's request passed on to each service; and X-Forwarded-For, the caller's
# address as the gateway read it (a service trusting one proxy counts and audits the caller, not the
# gateway), never the header the caller sent.
PASSED_ON = ("Authorization", "Accept-Language", "X-Request-Id")


class _StaleOnce(Retry):
    """A GET sent again once when the kept-alive connection it went out on had been closed by the
    service (gunicorn closes an idle one after its keep-alive): that is no answer from a service that
    is up. A timeout is never sent again: the service was asked and did not answer in time."""

    def _is_read_error(self, err: Exception) -> bool:
        return super()._is_read_error(err) and not isinstance(err, ReadTimeoutError)


_RETRY = _StaleOnce(total=1, connect=1, read=1, redirect=0, status=0, other=0, raise_on_redirect=False,
                    raise_on_status=False)
_PER_ADDRESS: dict[str, urllib3.HTTPConnectionPool] = {}
_PER_ADDRESS_LOCK = threading.Lock()


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
        answer = _pool(address).urlopen("GET", url, headers=headers, retries=_RETRY, redirect=False,
                                        timeout=urllib3.Timeout(total=timeout), preload_content=True)
        return Answer(answer.status, json.loads(answer.data))
    except (HTTPError, ValueError) as exc:
        log.warning("the overview went without %s: %s", question.service, type(exc).__name__)
        return Answer(None)


def _pool(address: str) -> urllib3.HTTPConnectionPool:
    """The kept-alive connections to one service (``host:port``), made on first use."""
    pool = _PER_ADDRESS.get(address)
    if pool is None:
        with _PER_ADDRESS_LOCK:
            pool = _PER_ADDRESS.get(address)
            if pool is None:
                host, _, port = address.rpartition(":")
                pool = _PER_ADDRESS[address] = urllib3.HTTPConnectionPool(host, int(port), maxsize=_KEPT_ALIVE,
                                                                          block=False)
    return pool
