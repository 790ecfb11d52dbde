"""The route table: which path prefix of the front door goes to which service, and how large a body
each may take. The nginx configuration (gateway.edge.nginx) is rendered from it, and so, later, the
Kubernetes and docker-compose routes: this is the one place a route is written.

A client calls ``http://<front door>/<prefix>/...``; the service gets the path without its prefix
(``/tickets/api/v1/tickets`` -> tickets' ``/api/v1/tickets``), so every service's own paths, its
``/openapi.json`` and ``/docs`` included, appear under its prefix. ``/<prefix>/metrics`` is never
served at the front door (Prometheus scrapes the services themselves).

Pages for people keep their whole path: the owners' pages (gateway.pages) at ``/my/...``, the staff
console (gateway.console) at ``/console/...``, and the
survey link's ``/survey/<token>`` (the link surveys puts in its SMS: its ``SURVEYS_ANSWER_URL``) go to
the gateway as they are (:data:`ROOT_PREFIXES`).
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Route:
    prefix: str     # "/tickets/": what clients call
    service: str    # "tickets": the upstream, reached at <SERVICE>_UPSTREAM or 127.0.0.1:<SERVICE>_PORT
    port: int       # the service's default port
    max_body: int   # bytes: the largest request body the front door passes on (413 beyond)


ROUTES: tuple[Route, ...] = (
    # A household import (CSV) is the largest body owners takes (OWNERS_MAX_IMPORT_BYTES, 64 MiB).
    Route("/owners/", "owners", 8001, max_body=64 * MIB),
    # An attachment (TICKETS_MAX_ATTACHMENT_BYTES, 10 MiB) in a multipart body.
    Route("/tickets/", "tickets", 8002, max_body=11 * MIB),
    # A notice's list audience (100,000 households with variables).
    Route("/notify/", "notify", 8003, max_body=32 * MIB),
    # Questionnaires, waves and answers (no uploads).
    Route("/surveys/", "surveys", 8004, max_body=1 * MIB),
    # The gateway's own paths: sign-in, tokens, accounts, keys.
    Route("/gateway/", "gateway", 8010, max_body=1 * MIB),
)

# Paths at the root of the front door: path -> (the service that answers it, the path it answers at).
ROOT_PATHS: dict[str, tuple[str, str]] = {
    "/.well-known/jwks.json": ("gateway", "/.well-known/jwks.json"),
    "/openapi.json": ("gateway", "/suite/openapi.json"),  # every service's API in one document
    "/docs": ("gateway", "/suite/docs"),
}

# Path prefixes at the root of the front door passed on whole (not stripped): prefix -> (the service
# that answers them, the largest body). A report's photo (10 MB) in a multipart form under /my/.
ROOT_PREFIXES: dict[str, tuple[str, int]] = {
    "/my/": ("gateway", 11 * MIB),
    # The staff console (gateway.console): an attachment (10 MB) in a multipart form.
    "/console/": ("gateway", 11 * MIB),
    "/survey/": ("gateway", 1 * MIB),
}
