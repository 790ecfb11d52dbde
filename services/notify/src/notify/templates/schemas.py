"""The request and answer shapes of templates."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from notify.domain.purposes import PURPOSES
from servicekit.paging import PageArgs

_CODE = validate.Regexp(r"^[a-z0-9_\-]{1,60}$", error="lower-case letters, digits, - and _; at most 60")


class TemplateSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, for every estate"})
    code = fields.String(required=True, validate=_CODE)
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    texts = fields.Dict(required=True, metadata={"description": (
        '{"zh-CN": {"subject": .., "body": ..}, "en": {..}}; ${name} variables. A body is at most 20,000 '
        'characters (an e-mail); a channel that carries less refuses it (SMS 500, in-app 2,000)')})
    variables = fields.List(fields.String(validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]*$")), load_default=list,
                            metadata={"description": "The variables the texts may use besides name, unit, estate"})
    sms_template_code = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    version = fields.Integer(dump_only=True)


class TemplateChangeSchema(Schema):
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    texts = fields.Dict()
    variables = fields.List(fields.String(validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]*$")))
    sms_template_code = fields.String(allow_none=True, validate=validate.Length(min=1, max=40))


class TemplateListArgs(PageArgs):
    estate_id = fields.UUID()
