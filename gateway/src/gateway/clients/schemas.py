"""The integration clients API's schemas, and the token endpoint's (RFC 6749)."""

from marshmallow import Schema, fields, validate

SCOPE = validate.Regexp(r"^[A-Za-z0-9:._-]{1,64}$", error="a scope is 1-64 of A-Z a-z 0-9 : . _ -")


class NewClientSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "物业缴费系统"})
    scopes = fields.List(fields.String(validate=SCOPE), load_default=list, validate=validate.Length(max=50),
                         metadata={"description": "what it may ask for", "example": ["tickets:write"]})
    estates = fields.List(fields.String(validate=validate.Length(max=36)), required=True,
                          validate=validate.Length(min=1, max=500),
                          metadata={"description": "estate ids its tokens carry, or ['*'] for every estate"})


class ClientSchema(Schema):
    id = fields.UUID(dump_only=True)
    client_id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    scopes = fields.List(fields.String(), dump_only=True)
    estates = fields.List(fields.String(), dump_only=True)
    disabled = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ClientWithSecretSchema(ClientSchema):
    client_secret = fields.String(dump_only=True, metadata={"description": "shown this once; kept only as a hash"})
    previous_secrets_until = fields.DateTime(dump_only=True, metadata={
        "description": "after a rotation: until when the previous secrets still work"})


class RotationSchema(Schema):
    keep_previous_seconds = fields.Integer(load_default=86400, validate=validate.Range(min=0, max=30 * 86400),
                                           metadata={"description": "how long the previous secrets stay good"})


TOKEN_REQUEST = {
    "type": "object", "required": ["grant_type"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "scope": {"type": "string", "description": "space-separated; default: every scope of the client"},
        "client_id": {"type": "string", "description": "with client_secret, instead of HTTP Basic"},
        "client_secret": {"type": "string"},
    },
}
TOKEN_ANSWER = {
    "type": "object", "required": ["access_token", "token_type", "expires_in"],
    "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string", "example": "Bearer"},
                   "expires_in": {"type": "integer"}, "scope": {"type": "string"}},
}
