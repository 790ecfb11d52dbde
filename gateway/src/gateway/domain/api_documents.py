"""One OpenAPI document for the whole suite, as the front door serves it: each service's document
with its paths under the service's prefix (``/owners/api/v1/people``) and its component names,
operation ids and tags prefixed with the service's name, so that nothing clashes."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

COMPONENT_KINDS = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers")
SHARED = {("securitySchemes", "bearer")}


def _title(service: str) -> str:
    return "".join(part.capitalize() for part in service.replace("-", "_").split("_"))


def _renamed(node: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: renames.get(value, value) if key == "$ref" and isinstance(value, str)
                else _renamed(value, renames) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed(item, renames) for item in node]
    return node


def combined(documents: Mapping[str, tuple[str, Mapping[str, Any]]], *, title: str = "estatedesk",
             missing: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``documents``: service -> (its prefix at the front door, its OpenAPI document). ``missing``:
    service -> why its document could not be had (said in the description, never silently left out)."""
    result: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "v1",
                 "description": "Every service of the suite as the front door serves it, each under its prefix."},
        "servers": [{"url": "/"}], "paths": {}, "tags": [],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{"bearer": []}],
    }
    for service, (prefix, document) in sorted(documents.items()):
        name = _title(service)
        renames = {f"#/components/{kind}/{key}": f"#/components/{kind}/{name}{key}"
                   for kind in COMPONENT_KINDS for key in (document.get("components", {}).get(kind) or {})}
        doc = _renamed(copy.deepcopy(dict(document)), renames)
        for kind in COMPONENT_KINDS:
            for key, value in (doc.get("components", {}).get(kind) or {}).items():
                result["components"].setdefault(kind, {})[f"{name}{key}"] = value
        for tag in doc.get("tags") or []:
            result["tags"].append({**tag, "name": f"{service}: {tag['name']}"})
        base = "/" + prefix.strip("/")
        for path, item in (doc.get("paths") or {}).items():
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    if "operationId" in operation:
                        operation["operationId"] = f"{service}_{operation['operationId']}"
                    operation["tags"] = [f"{service}: {t}" for t in operation.get("tags") or [service]]
            result["paths"][base + path] = item
    if missing:
        said = "; ".join(f"{service}: {why}" for service, why in sorted(missing.items()))
        result["info"]["description"] += f" Not included just now (their documents could not be had): {said}."
    return result
