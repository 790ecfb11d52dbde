"""The OpenAPI document of a service's API, generated from the app itself (X-4).

``contracts/openapi.json`` is this document, committed; ``<service> openapi`` rewrites it after an
API change, and a test fails while the committed file differs from what the app generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from servicekit.service import Service


def openapi_document(service: Service) -> dict[str, Any]:
    """The document ``/openapi.json`` serves, from an app that touches no database, broker or key."""
    from servicekit.auth import TokenVerifier
    from servicekit.webapp import create_service_app

    verifier = TokenVerifier("", issuer="unused", audience="unused", roles=service.roles)
    app = create_service_app(service, service.settings.offline(), verifier)
    return app.test_client().get("/openapi.json").get_json()  # type: ignore[no-any-return]


def render(document: dict[str, Any]) -> str:
    """Stable text: sorted keys, so a diff shows only what changed in the API."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def contract_path(service: Service) -> Path:
    """Where the committed document lives: ``contracts/openapi.json`` of the service."""
    return service.contracts / "openapi.json"


def write_openapi(service: Service, path: Path | None = None) -> Path:
    """Write the document to ``path`` (default: the committed contract); returns where."""
    path = path or contract_path(service)
    path.write_text(render(openapi_document(service)), encoding="utf-8")
    return path
