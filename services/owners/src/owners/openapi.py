"""The OpenAPI document of the owners API, generated from the app itself (X-4).

``contracts/openapi.json`` is this document, committed; ``owners openapi`` rewrites it after an API
change, and a test fails while the committed file differs from what the app generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# services/owners/contracts/openapi.json in a source checkout (the package is installed editable).
CONTRACT = Path(__file__).resolve().parents[2] / "contracts" / "openapi.json"


def openapi_document() -> dict[str, Any]:
    """The document ``/openapi.json`` serves, from an app that touches no database, broker or key."""
    from owners.app import create_app
    from owners.settings import Settings
    from servicekit.auth import TokenVerifier

    settings = Settings(database_url="sqlite://", amqp_url="amqp://unused", port=0, log_level="WARNING",
                        max_body_bytes=256 * 1024, max_import_bytes=64 * 1024 * 1024)
    app = create_app(settings, TokenVerifier("", issuer="unused", audience="unused"))
    return app.test_client().get("/openapi.json").get_json()


def render(document: dict[str, Any]) -> str:
    """Stable text: sorted keys, so a diff shows only what changed in the API."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(path: Path = CONTRACT) -> Path:
    path.write_text(render(openapi_document()), encoding="utf-8")
    return path
