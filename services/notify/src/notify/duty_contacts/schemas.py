"""A duty contact as it is given and as it is answered (its addresses masked)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate, validates_schema
from marshmallow.exceptions import ValidationError
from tenancy.privacy import mask_email, mask_phone


class NewDutyContactSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def _reachable(self, data: dict[str, Any], **_: Any) -> None:
        if not (data.get("mobile") or data.get("email")):
            raise ValidationError("a mobile or an e-mail address (手机号或电子邮箱)", "mobile")


class DutyContactSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    mobile = fields.String(allow_none=True, metadata={"description": "Masked"})
    email = fields.String(allow_none=True, metadata={"description": "Masked"})
    created_at = fields.DateTime()

    @post_dump
    def _mask(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return data | {"mobile": mask_phone(data.get("mobile")), "email": mask_email(data.get("email"))}
