"""The accounts API's schemas."""

from marshmallow import Schema, fields, validate

from gateway.domain.roles import STAFF_ROLES
from servicekit.paging import PageArgs


class NewAccountSchema(Schema):
    login = fields.String(required=True, validate=validate.Length(min=3, max=100),
                          metadata={"description": "what the person types to sign in (kept in lower case)",
                                    "example": "li.wei@example.com"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100), metadata={"example": "李伟"})
    role = fields.String(required=True, validate=validate.OneOf(sorted(STAFF_ROLES)))
    staff_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "the owners staff record (every role but operator_admin): the token's sub, and the "
                       "territories its estates follow"})
    estates = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500),
                          metadata={"description": "estates granted beside those of the territories"})


class AccountSchema(Schema):
    id = fields.UUID(dump_only=True)
    login = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    staff_id = fields.UUID(dump_only=True, allow_none=True)
    must_change_password = fields.Boolean(dump_only=True)
    disabled = fields.Boolean(dump_only=True)
    failures = fields.Integer(dump_only=True, metadata={"description": "consecutive failed sign-ins"})
    locked_until = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class AccountDetailSchema(AccountSchema):
    granted_estates = fields.List(fields.String(), dump_only=True)
    estates = fields.List(fields.String(), dump_only=True,
                          metadata={"description": "what the account's token carries now ('*': every estate)"})
    permissions = fields.List(fields.String(), dump_only=True,
                              metadata={"description": "the permissions an admin granted: the token's perms"})


class AccountWithPasswordSchema(AccountSchema):
    password = fields.String(dump_only=True, metadata={
        "description": "the one-time password, shown this once: the person chooses their own at the next sign-in"})


class AccountArgs(PageArgs):
    role = fields.String(validate=validate.OneOf(sorted(STAFF_ROLES)))
