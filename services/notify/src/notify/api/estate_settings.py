"""Each estate's sending settings (发送设置): time zone, quiet hours, SMS signature."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from marshmallow import Schema, fields, validate
from tenancy.roles import MANAGERS

from notify.api.access import blueprint
from notify.api.roles import CREATORS
from notify.schedule.estate_settings import put_settings, settings_of
from servicekit.webapp import read, unit_of_work

blp = blueprint("estate_settings", __name__, url_prefix="/api/v1/estates",
                description="Each estate's sending settings (发送设置)")

_HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="HH:MM")


class EstateSettingsSchema(Schema):
    estate_id = fields.UUID(dump_only=True)
    timezone = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "An IANA time zone, e.g. Asia/Shanghai"})
    quiet_start = fields.String(required=True, validate=_HHMM, metadata={"description": "No non-urgent SMS from"})
    quiet_end = fields.String(required=True, validate=_HHMM, metadata={"description": "until (may wrap midnight)"})
    sms_sign_name = fields.String(required=True, validate=validate.Length(min=2, max=12))
    version = fields.Integer(dump_only=True, metadata={"description": "0: the defaults, never set"})


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
