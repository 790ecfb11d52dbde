"""Webhook endpoints as read: a page of the caller's, or one, with the failure state the sender
keeps and never the signing secret."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from notify.tables import webhook_endpoints
from servicekit.auth import Principal, scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of

SHOWN = tuple(c for c in webhook_endpoints.c if c.name != "secret")


def endpoint_list(session: Any, principal: Principal, args: dict[str, Any]) -> dict[str, Any]:
    statement = scoped(select(*SHOWN), webhook_endpoints.c.estate_id, principal)
    if args.get("estate_id"):
        statement = statement.where(webhook_endpoints.c.estate_id == args["estate_id"])
    return page_of(session, statement.order_by(webhook_endpoints.c.created_at, webhook_endpoints.c.id), args)


def endpoint(session: Any, endpoint_id: UUID) -> dict[str, Any]:
    row = session.execute(select(*SHOWN).where(webhook_endpoints.c.id == endpoint_id)).mappings().first()
    if row is None:
        raise NotFound("no such webhook endpoint", "没有此 Webhook 接收地址")
    return dict(row)
