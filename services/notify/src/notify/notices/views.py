"""Reading notices: a page of them, filtered, and one with its status and the actions it allows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.domain.notices import ALLOWED
from notify.tables import notices
from servicekit.auth import Principal, scoped
from servicekit.paging import page_of
from servicekit.rows import get_row


def with_actions(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "actions": [action for action, allowed in ALLOWED.items() if row["status"] in allowed]}


def notice_list(session: Session, principal: Principal, args: Mapping[str, Any]) -> dict[str, Any]:
    statement = scoped(select(notices), notices.c.estate_id, principal)
    for name in ("estate_id", "status", "purpose", "series_id"):
        if args.get(name) is not None:
            statement = statement.where(notices.c[name] == args[name])
    page = page_of(session, statement.order_by(notices.c.created_at.desc(), notices.c.id), dict(args))
    return {**page, "items": [with_actions(r) for r in page["items"]]}


def notice(session: Session, notice_id: UUID) -> dict[str, Any]:
    return with_actions(get_row(session, notices, notice_id, "notice"))
