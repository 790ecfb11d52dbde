"""Each estate's sending settings (发送设置): time zone, quiet hours, SMS signature."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS

from notify.access import CREATORS, blueprint
from notify.estate_settings.schemas import EstateSettingsSchema
from notify.estate_settings.use_cases import put_settings
from notify.estate_settings.views import settings_of
from servicekit.webapp import read, unit_of_work

blp = blueprint("estate_settings", __name__, url_prefix="/api/v1/estates",
                description="Each estate's sending settings (发送设置)")


@blp.route("/<uuid:estate_id>/sending-settings", methods=["GET"])
@blp.response(200, EstateSettingsSchema())
@blp.allow(CREATORS)
def get_settings(estate_id: UUID) -> Any:
    """The estate's sending settings (the defaults if never set)"""
    return read(settings_of, estate_id)


@blp.route("/<uuid:estate_id>/sending-settings", methods=["PUT"])
@blp.arguments(EstateSettingsSchema())
@blp.response(200, EstateSettingsSchema())
@blp.allow(MANAGERS)
def put_estate_settings(data: dict[str, Any], estate_id: UUID) -> Any:
    """Set the estate's sending settings"""
    return put_settings(unit_of_work(), estate_id, data)
