"""The services as the pages reach them: over HTTP at the route table's addresses, with the owner's
own token (each service checks and scopes the call as if the owner called it through the front
door), the owner's language (the services' refusals come back in it) and the owner's address as
``X-Forwarded-For`` (a service's per-address limits count the owner, not the gateway, where it
trusts one proxy: ``<SERVICE>_TRUSTED_PROXIES``). No service's database is
read. A service's refusal is :class:`Refused` with its own words; one that does not answer is
:class:`Unavailable`, logged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

log = logging.getLogger(__name__)

_CLIENT = httpx.Client(limits=httpx.Limits(max_connections=32, max_keepalive_connections=16))


CALL_SLOTS = "gateway.pages.call_slots"  # the app's CallSlots, in app.extensions


class CallSlots:
    """How many of a worker's threads may wait on a service at once (a page's call, the one-time code
    sent through notify): all but one
    (``GATEWAY_WEB_THREADS`` - 1). A called service may fetch this gateway's JWKS while the page
    waits; the thread kept free of calls serves it, so no number of pages at once can make the
    fetch wait on itself. A page that finds no slot free is answered "try again shortly" (503) at
    once, with a warning, rather than wait holding the last thread."""

    def __init__(self, threads: int) -> None:
        self._free = threading.BoundedSemaphore(max(1, threads - 1))

    @contextmanager
    def taken(self, service: str) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            log.warning("the pages did not call %s: every thread but one already waits on a service",
                        service)
            raise Unavailable(service)
        try:
            yield
        finally:
            self._free.release()


class Refused(Exception):
    """A service said no (4xx): its status, and its problem's words in the owner's language."""

    def __init__(self, status: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


class Unavailable(Exception):
    """A service did not answer, or failed (5xx)."""


@dataclass(frozen=True)
class Backends:
    upstreams: Mapping[str, str]  # service -> host:port
    timeout: float
    language: str
    token: str | None = None
    client: str | None = None  # the owner's address, as the gateway read it
    slots: CallSlots | None = None  # the worker's (None: no bound, a test calling a view itself)

    def _headers(self, headers: Mapping[str, str] | None = None) -> dict[str, str]:
        sent = {"Accept-Language": self.language, **(headers or {})}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if self.client:
            sent["X-Forwarded-For"] = self.client
        return sent

    def call(self, service: str, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             json: Any = None, files: Any = None, headers: Mapping[str, str] | None = None) -> Any:
        """The JSON answer of a 2xx; :class:`Refused` for a 4xx; :class:`Unavailable` otherwise."""
        address = self.upstreams.get(service)
        if not address:
            log.error("the pages have no address for %s", service)
            raise Unavailable(service)
        try:
            with self._slot(service):
                answer = _CLIENT.request(method, f"http://{address}{path}", params=params, json=json, files=files,
                                         headers=self._headers(headers), timeout=self.timeout)
        except httpx.HTTPError as exc:
            log.warning("the pages could not reach %s: %s", service, type(exc).__name__)
            raise Unavailable(service) from exc
        if answer.status_code >= 500:
            log.warning("%s answered the pages %s on %s %s", service, answer.status_code, method, path)
            raise Unavailable(service)
        body = _json(answer)
        if answer.status_code >= 400:
            problem = body if isinstance(body, dict) else {}
            raise Refused(answer.status_code, str(problem.get("detail") or problem.get("title") or answer.status_code),
                          problem.get("errors"))
        return body

    @contextmanager
    def _slot(self, service: str) -> Iterator[None]:
        if self.slots is None:
            yield
            return
        with self.slots.taken(service):
            yield

    def get(self, service: str, path: str, **params: Any) -> Any:
        return self.call(service, "GET", path, params=params or None)

    def download(self, service: str, path: str) -> tuple[bytes, str]:
        """Raw bytes and their content type (an attachment)."""
        address = self.upstreams.get(service, "")
        try:
            with self._slot(service):
                answer = _CLIENT.get(f"http://{address}{path}", timeout=self.timeout, headers=self._headers())
        except httpx.HTTPError as exc:
            log.warning("the pages could not reach %s: %s", service, type(exc).__name__)
            raise Unavailable(service) from exc
        if answer.status_code >= 500:
            raise Unavailable(service)
        if answer.status_code >= 400:
            raise Refused(answer.status_code, str(answer.status_code))
        return answer.content, answer.headers.get("Content-Type", "application/octet-stream")


def _json(answer: httpx.Response) -> Any:
    try:
        return answer.json() if answer.content else None
    except ValueError:
        return None
