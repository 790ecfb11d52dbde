"""The request and answer shapes of webhook endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs

_URL_HELP = ("http(s) URL the signed webhooks are POSTed to: no credentials; no private, loopback or link-local "
             "address unless the operator allows the host (NOTIFY_WEBHOOK_ALLOWED_HOSTS)")
_URL = fields.URL(schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000),
                  metadata={"description": _URL_HELP})


class NewEndpointSchema(Schema):
    estate_id = fields.UUID(allow_none=True, metadata={
        "description": "The estate whose messages it takes; none: operator-wide (operator admins only)"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    url = fields.URL(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000),
                     metadata={"description": _URL_HELP})


class EndpointChangeSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    url = _URL
    active = fields.Boolean()


class EndpointListArgs(PageArgs):
    estate_id = fields.UUID()


class EndpointSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID(allow_none=True)
    name = fields.String()
    url = fields.String()
    active = fields.Boolean()
    consecutive_failures = fields.Integer()
    failing_since = fields.DateTime(allow_none=True)
    last_error = fields.String(allow_none=True)
    disabled_at = fields.DateTime(allow_none=True, metadata={"description": "Disabled after too many failures"})
    created_at = fields.DateTime()
    version = fields.Integer()


class EndpointWithSecretSchema(EndpointSchema):
    secret = fields.String(metadata={"description": "whsec_...: shown this once, keep it to verify signatures"})
