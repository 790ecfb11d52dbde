"""The operator's duty contacts, oldest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from notify.tables import duty_contacts
from servicekit.rows import Executes


def duty_contacts_of_operator(session: Executes) -> list[dict[str, Any]]:
    c = duty_contacts.c
    return [dict(r) for r in session.execute(select(duty_contacts).order_by(c.created_at, c.id)).mappings()]
