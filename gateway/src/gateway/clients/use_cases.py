"""What an operator admin can do with integration clients: register one (its secret shown once),
rotate its secret without downtime (the previous one stays good for a while), disable, enable."""

from __future__ import annotations

import uuid
from datetime import timedelta
from uuid import UUID

from sqlalchemy import insert, or_, update

from gateway.domain import secrets
from gateway.sign_in.audit import audit
from gateway.tables import client_secrets, integration_clients
from servicekit.auth import ALL_ESTATES, Principal
from servicekit.errors import Invalid
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork


def register(uow: UnitOfWork, admin: Principal, *, name: str, scopes: list[str], estates: list[str]) -> dict:
    estates = _estates(estates)
    at = now()
    secret = secrets.new_secret()
    row = {"id": uuid.uuid4(), "client_id": secrets.new_client_id(), "name": name.strip(),
           "scopes": sorted(set(scopes)), "estates": estates, "disabled": False, "created_at": at, "updated_at": at}
    with uow:
        uow.execute(insert(integration_clients).values(row))
        uow.execute(insert(client_secrets).values(id=uuid.uuid4(), client=row["id"],
                                                  secret_hash=secrets.secret_hash(secret), created_at=at))
        audit(uow, row["client_id"], "client_registered", by=admin.subject, at=at)
        uow.commit()
    return {**row, "client_secret": secret}


def _estates(estates: list[str]) -> list[str]:
    """Estate ids, or ``["*"]`` for every estate (alone)."""
    if ALL_ESTATES in estates:
        if len(estates) > 1:
            raise Invalid("'*' (every estate) stands alone", "'*'（所有小区）不能与其他小区同时列出",
                          errors={"estates": ["'*' stands alone"]})
        return [ALL_ESTATES]
    try:
        return sorted({str(UUID(e)) for e in estates})
    except ValueError as exc:
        raise Invalid("estates are estate ids, or '*' for every estate", "estates 须为小区编号，或 '*' 表示所有小区",
                      errors={"estates": ["estate ids or '*'"]}) from exc


def rotate_secret(uow: UnitOfWork, admin: Principal, client_id: UUID, keep_previous_seconds: int) -> dict:
    """A new secret (shown once); the previous ones stay good for ``keep_previous_seconds`` (0: no
    longer), so the client's deployments can change over without a refused request."""
    at = now()
    secret = secrets.new_secret()
    until = at + timedelta(seconds=keep_previous_seconds)
    with uow:
        row = get_row(uow, integration_clients, client_id, "integration client", what_zh="集成客户端", lock=True)
        uow.execute(update(client_secrets).where(
            client_secrets.c.client == client_id,
            or_(client_secrets.c.expires_at.is_(None), client_secrets.c.expires_at > until)).values(expires_at=until))
        uow.execute(insert(client_secrets).values(id=uuid.uuid4(), client=client_id,
                                                  secret_hash=secrets.secret_hash(secret), created_at=at))
        audit(uow, row["client_id"], "client_secret_rotated", by=admin.subject, at=at)
        uow.commit()
    return {**row, "client_secret": secret, "previous_secrets_until": until}


def set_disabled(uow: UnitOfWork, admin: Principal, client_id: UUID, disabled: bool) -> dict:
    at = now()
    with uow:
        row = get_row(uow, integration_clients, client_id, "integration client", what_zh="集成客户端", lock=True)
        uow.execute(update(integration_clients).where(integration_clients.c.id == client_id)
                    .values(disabled=disabled, updated_at=at))
        audit(uow, row["client_id"], "client_disabled" if disabled else "client_enabled", by=admin.subject, at=at)
        uow.commit()
    return {**row, "disabled": disabled, "updated_at": at}
