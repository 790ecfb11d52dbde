"""What managers and the operator do with webhook endpoints: register one (with its signing secret,
``whsec_`` + base64, as Standard Webhooks), change, re-enable, rotate its secret, remove it.

Its URL goes nowhere inside notify's network unless the operator allows the host
(:mod:`notify.webhooks.addresses`). The secret is answered once, when made (created or rotated);
reads never show it. Re-enabling clears the failure state so the sender tries the endpoint again.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, update

from notify.tables import webhook_endpoints
from notify.webhooks.addresses import allowed_hosts, check_url
from notify.webhooks.views import endpoint
from servicekit.errors import NotFound
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _locked(uow: UnitOfWork, endpoint_id: UUID) -> dict[str, Any]:
    return get_row(uow, webhook_endpoints, endpoint_id, "webhook endpoint", what_zh="Webhook 接收地址", lock=True)


def create(uow: UnitOfWork, data: dict[str, Any], now: datetime, settings: Any) -> dict[str, Any]:
    """A new endpoint, its URL allowed by :mod:`notify.webhooks.addresses` (422 otherwise)."""
    check_url(data["url"], allowed_hosts(settings.webhook_allowed_hosts))
    row = {"id": uuid.uuid4(), "estate_id": data.get("estate_id"), "name": data["name"], "url": data["url"],
           "secret": new_secret(), "active": True, "consecutive_failures": 0, "created_at": now, "version": 1}
    with uow:
        uow.execute(webhook_endpoints.insert().values(row))
        created = {**endpoint(uow.session, row["id"]), "secret": row["secret"]}
        uow.commit()
    return created


def change(uow: UnitOfWork, endpoint_id: UUID, changes: dict[str, Any], settings: Any) -> dict[str, Any]:
    """Rename, move (url, checked as a new one's) or switch an endpoint on or off."""
    if changes.get("url") is not None:
        check_url(changes["url"], allowed_hosts(settings.webhook_allowed_hosts))
    with uow:
        current = _locked(uow, endpoint_id)
        wanted = {k: v for k, v in changes.items() if current[k] != v}
        if wanted:
            uow.execute(update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
                        .values(**wanted, version=current["version"] + 1))
        changed = endpoint(uow.session, endpoint_id)
        uow.commit()
    return changed


def enable(uow: UnitOfWork, endpoint_id: UUID) -> dict[str, Any]:
    """Active again, its failure state cleared: the sender tries it from now on."""
    with uow:
        current = _locked(uow, endpoint_id)
        uow.execute(update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id).values(
            active=True, disabled_at=None, consecutive_failures=0, failing_since=None, last_error=None,
            version=current["version"] + 1))
        enabled = endpoint(uow.session, endpoint_id)
        uow.commit()
    return enabled


def rotate_secret(uow: UnitOfWork, endpoint_id: UUID) -> dict[str, Any]:
    """A new secret, answered this once; the old one signs nothing from now on."""
    secret = new_secret()
    with uow:
        current = _locked(uow, endpoint_id)
        uow.execute(update(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
                    .values(secret=secret, version=current["version"] + 1))
        rotated = {**endpoint(uow.session, endpoint_id), "secret": secret}
        uow.commit()
    return rotated


def remove(uow: UnitOfWork, endpoint_id: UUID) -> None:
    with uow:
        if uow.execute(delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)).rowcount != 1:
            raise NotFound("no such webhook endpoint", "没有此 Webhook 接收地址")
        uow.commit()
