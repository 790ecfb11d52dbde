"""Asking the services at once: each question a GET to one service, sent in parallel with the
caller's own token (each service scopes and masks the answer for the caller as if asked directly),
each bounded by a timeout. A service that is down, slow or failing is named, never raised: the
overview answers with what it has."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

# One pool of connections for every request of this process (httpx.Client is safe across threads).
_CLIENT = httpx.Client(limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="overview")
# Headers of the caller's request passed on to each service.
PASSED_ON = ("Authorization", "Accept-Language", "X-Request-Id")


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
    """Every question at once; each name's answer (status None when the service did not answer)."""
    passed = {name: headers[name] for name in PASSED_ON if name in headers}
    futures = {name: _POOL.submit(_ask, q, upstreams, passed, timeout) for name, q in questions.items()}
    return {name: future.result() for name, future in futures.items()}


def _ask(question: Question, upstreams: Mapping[str, str], headers: Mapping[str, str], timeout: float) -> Answer:
    address = upstreams.get(question.service)
    if not address:
        log.error("the overview has no address for %s", question.service)
        return Answer(None)
    try:
        answer = _CLIENT.get(f"http://{address}{question.path}", params=question.params, headers=headers,
                             timeout=timeout)
        return Answer(answer.status_code, answer.json())
    except (httpx.HTTPError, ValueError) as exc:
        log.warning("the overview went without %s: %s", question.service, type(exc).__name__)
        return Answer(None)
