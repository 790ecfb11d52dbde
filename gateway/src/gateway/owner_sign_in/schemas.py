"""The owners' sign-in API's schemas."""

from marshmallow import Schema, fields, validate


class CodeRequestSchema(Schema):
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=40),
                           metadata={"example": "13812345678", "description": "a mainland mobile number"})


class CodeSentSchema(Schema):
    expires_in = fields.Integer(metadata={"description": "seconds the code lives (sent only to a known number)"})


class CodeSignInSchema(Schema):
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=40))
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$", error="six digits"))
    person_id = fields.UUID(metadata={"description": "which person, when several have this mobile (409 says who)"})


class OwnerTokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    person_id = fields.UUID(required=True)
    estates = fields.List(fields.String(), required=True)
    refresh_token = fields.String(required=True, metadata={
        "description": "one use: POST owner-sign-in/refresh answers the next; POST sign-out ends the session"})
    refresh_expires_in = fields.Integer(required=True)
