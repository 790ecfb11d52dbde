"""An estate's sending settings as notify uses them: its own row, or the defaults where it has none."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from notify.schedule.clock import DEFAULT_TIMEZONE
from notify.tables import estate_settings
from servicekit.rows import Executes

DEFAULTS = {"timezone": DEFAULT_TIMEZONE, "quiet_start": "21:00", "quiet_end": "08:00", "sms_sign_name": "物业服务中心",
            "version": 0}


def settings_of(session: Executes, estate_id: UUID) -> dict[str, Any]:
    """The estate's settings, its own or the defaults (``version`` 0: never set)."""
    row = session.execute(select(estate_settings).where(estate_settings.c.estate_id == estate_id)).mappings().first()
    return dict(row) if row is not None else {"estate_id": estate_id, **DEFAULTS}
