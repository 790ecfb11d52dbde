"""The read side of integration clients: the list, one client, and what the token endpoint needs."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import or_, select

from gateway.tables import client_secrets, integration_clients
from servicekit.paging import page_of
from servicekit.rows import Executes, get_row


def client_list(session, args: dict) -> dict:
    return page_of(session, select(integration_clients).order_by(integration_clients.c.name,
                                                                  integration_clients.c.id), args)


def client(session, client_id: UUID) -> dict:
    return get_row(session, integration_clients, client_id, "integration client", what_zh="集成客户端")


def by_client_id(db: Executes, client_id: str, at: datetime) -> tuple[dict, list[str]] | None:
    """A client by its public id, with the hashes of its secrets good at ``at`` (None: no such client)."""
    row = db.execute(select(integration_clients).where(integration_clients.c.client_id == client_id)).mappings().first()
    if row is None:
        return None
    hashes = db.execute(select(client_secrets.c.secret_hash).where(
        client_secrets.c.client == row["id"],
        or_(client_secrets.c.expires_at.is_(None), client_secrets.c.expires_at > at))).scalars().all()
    return dict(row), list(hashes)
