"""The read side of the suite's document: each service's /openapi.json fetched at the address the
front door uses (kept a minute), combined (gateway.domain.api_documents)."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx

from gateway.domain.api_documents import combined
from gateway.edge.route_table import ROUTES

_CACHE: dict[str, tuple[float, dict[str, Any]]] = {}
_LOCK = threading.Lock()
KEEP_SECONDS = 60.0


def suite_document(upstreams: dict[str, str], own: dict[str, Any], timeout: float = 3.0) -> dict[str, Any]:
    """The combined document; ``own`` is the gateway's own (not fetched from itself)."""
    key = repr(sorted(upstreams.items()))
    with _LOCK:
        kept = _CACHE.get(key)
        if kept is not None and time.monotonic() - kept[0] < KEEP_SECONDS:
            return kept[1]
    documents: dict[str, tuple[str, Any]] = {}
    missing: dict[str, str] = {}
    for route in ROUTES:
        if route.service == "gateway":
            documents["gateway"] = (route.prefix, own)
            continue
        try:
            answer = httpx.get(f"http://{upstreams[route.service]}/openapi.json", timeout=timeout)
            answer.raise_for_status()
            documents[route.service] = (route.prefix, answer.json())
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            missing[route.service] = f"{type(exc).__name__}"
    document = combined(documents, missing=missing)
    if not missing:
        with _LOCK:
            _CACHE[key] = (time.monotonic(), document)
    return document
