"""The sign-in API's schemas."""

from marshmallow import Schema, fields, validate

from gateway.domain.passwords import MAX_LENGTH
from servicekit.paging import PageArgs


class SignInSchema(Schema):
    login = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_LENGTH))
    new_password = fields.String(validate=validate.Length(min=1, max=MAX_LENGTH), metadata={
        "description": "a password of the person's own: required when the account's must_change_password is set"})


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokensSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds the access token lives"})
    refresh_token = fields.String(required=True, metadata={"description": "one use: a refresh answers the next"})
    refresh_expires_in = fields.Integer(required=True)
    role = fields.String(required=True)
    estates = fields.List(fields.String(), required=True)
    permissions = fields.List(fields.String(), metadata={"description": "what an admin granted (pii:reveal)"})


class AuditSchema(Schema):
    id = fields.UUID()
    at = fields.DateTime()
    login = fields.String()
    account_id = fields.UUID(allow_none=True)
    outcome = fields.String()
    client_address = fields.String(allow_none=True)
    family_id = fields.UUID(allow_none=True)
    by = fields.String(allow_none=True)


class AuditArgs(PageArgs):
    account_id = fields.UUID()
    login = fields.String(validate=validate.Length(max=100))
    outcome = fields.String(validate=validate.Length(max=40))
