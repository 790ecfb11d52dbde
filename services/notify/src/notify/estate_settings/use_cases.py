"""Setting an estate's sending settings (time zone, quiet hours, SMS signature), every field checked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from notify.estate_settings.views import DEFAULTS, settings_of
from notify.schedule.clock import wall_time, zone
from notify.tables import estate_settings, estates
from servicekit.errors import Invalid, NotFound
from servicekit.unit_of_work import UnitOfWork

FIELDS = ("timezone", "quiet_start", "quiet_end", "sms_sign_name")


def check(values: Mapping[str, Any]) -> dict[str, Any]:
    zone(values["timezone"])
    wall_time(values["quiet_start"], "quiet_start")
    wall_time(values["quiet_end"], "quiet_end")
    sign = values["sms_sign_name"]
    if not isinstance(sign, str) or not 2 <= len(sign.strip()) <= 12:
        raise Invalid("the SMS signature must be 2 to 12 characters", "短信签名应为2到12个字符",
                      errors={"sms_sign_name": ["2 to 12 characters"]})
    return {key: values[key] for key in FIELDS} | {"sms_sign_name": sign.strip()}


def put_settings(uow: UnitOfWork, estate_id: UUID, values: Mapping[str, Any]) -> dict[str, Any]:
    """Set the estate's settings (every field: a PUT)."""
    checked = check({**DEFAULTS, **values})
    with uow:
        if uow.execute(select(estates.c.id).where(estates.c.id == estate_id)).first() is None:
            raise NotFound("no such estate", "没有此小区")
        current = uow.execute(select(estate_settings).where(estate_settings.c.estate_id == estate_id)
                              .with_for_update()).mappings().first()
        if current is None:
            uow.execute(insert(estate_settings).values(estate_id=estate_id, version=1, **checked))
        elif any(current[k] != checked[k] for k in FIELDS):
            uow.execute(update(estate_settings).where(estate_settings.c.estate_id == estate_id)
                        .values(version=current["version"] + 1, **checked))
        row = settings_of(uow, estate_id)
        uow.commit()
        return row
