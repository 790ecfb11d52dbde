from marshmallow import Schema, fields, validate


class EstateSchema(Schema):
    id = fields.UUID(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    city = fields.String(load_default="", validate=validate.Length(max=50))
    address = fields.String(load_default="", validate=validate.Length(max=200))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class EstatePatchSchema(Schema):
    code = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$"))
    name = fields.String(validate=validate.Length(min=1, max=100))
    city = fields.String(validate=validate.Length(max=50))
    address = fields.String(validate=validate.Length(max=200))
