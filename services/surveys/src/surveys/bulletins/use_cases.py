"""Publishing a wave's bulletin: once per wave, with its author and the author's words."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert

from servicekit.errors import Conflict, Message
from servicekit.rows import get_row, write
from servicekit.unit_of_work import UnitOfWork
from surveys.tables import bulletins, waves


def publish(uow: UnitOfWork, wave_id: UUID, published_by: str, at: datetime, *, author: str,
            summary: str) -> dict[str, Any]:
    """The bulletin of ``wave_id`` (a 409 if it has one, or if the wave has not opened yet)."""
    with uow:
        wave = get_row(uow, waves, wave_id, "wave", what_zh="调查")
        if wave["state"] == "scheduled":
            raise Conflict("the wave has not opened yet: nothing to publish", "本次调查尚未开始，没有可公告的结果")
        row = {"id": uuid.uuid4(), "wave_id": wave_id, "estate_id": wave["estate_id"], "author": author,
               "summary": summary, "published_by": published_by, "published_at": at}
        write(uow, insert(bulletins).values(row),
              conflict=Message("the wave has its bulletin already", "本次调查已发布公告"))
        uow.commit()
        return row
