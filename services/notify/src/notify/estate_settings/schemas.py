"""The request and answer shape of an estate's sending settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

_HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="HH:MM")


class EstateSettingsSchema(Schema):
    estate_id = fields.UUID(dump_only=True)
    timezone = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "An IANA time zone, e.g. Asia/Shanghai"})
    quiet_start = fields.String(required=True, validate=_HHMM, metadata={"description": "No non-urgent SMS from"})
    quiet_end = fields.String(required=True, validate=_HHMM, metadata={"description": "until (may wrap midnight)"})
    sms_sign_name = fields.String(required=True, validate=validate.Length(min=2, max=12))
    version = fields.Integer(dump_only=True, metadata={"description": "0: the defaults, never set"})
