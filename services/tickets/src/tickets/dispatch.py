"""Dispatch: who should take a ticket, by territory, skill and current load (to be built)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from uuid import UUID


def choose_assignee(conn: Any, ticket: Mapping[str, Any], *, exclude: Collection[UUID] = ()) -> UUID | None:
    """The active staff member best placed to take ``ticket``, or None when nobody covers it."""
    return None


def staff_with_role(conn: Any, estate_id: UUID, role: str) -> list[Mapping[str, Any]]:
    """The estate's active staff of ``role`` (e.g. supervisor, first_responsible)."""
    return []
