"""Webhook endpoints (NTF-6): the company systems notify sends signed webhooks to, managed by
managers (for their estates) and the operator (operator-wide ones too). The signing secret is
answered once, when created or rotated; a read shows the failure state the sender keeps."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import abort
from marshmallow import Schema, fields, validate
from tenancy.roles import MANAGERS

from notify.api.access import blueprint
from notify.tracking import endpoints
from servicekit.paging import PageArgs, page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("webhooks", __name__, url_prefix="/api/v1/webhook-endpoints",
                description="Webhook endpoints of other company systems, and their failure state (Webhook)")

_URL = fields.URL(schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000),
                  metadata={"description": "http(s) URL the signed webhooks are POSTed to"})


class NewEndpointSchema(Schema):
    estate_id = fields.UUID(allow_none=True, metadata={
        "description": "The estate whose messages it takes; none: operator-wide (operator admins only)"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    url = fields.URL(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=2000))


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


@blp.route("", methods=["POST"])
@blp.arguments(NewEndpointSchema())
@blp.response(201, EndpointWithSecretSchema)
@blp.allow(MANAGERS, rows=("estate_id",))
def create_endpoint(data: dict[str, Any]) -> Any:
    """Register an endpoint; its signing secret is in this answer only"""
    if data.get("estate_id") is None and current_principal().estates is not None:
        abort(422, message="an operator-wide endpoint needs an operator admin; name the estate",
              errors={"json": {"estate_id": ["is required (须指定小区)"]}})
    return endpoints.create(unit_of_work(), data, now())


@blp.route("", methods=["GET"])
@blp.arguments(EndpointListArgs(), location="query")
@blp.response(200, page_schema(EndpointSchema))
@blp.allow(MANAGERS, rows=("estate_id",))
def list_endpoints(args: dict[str, Any]) -> Any:
    """The endpoints of the caller's estates, with their failure state"""
    return read(endpoints.endpoint_list, current_principal(), args)


@blp.route("/<uuid:endpoint_id>", methods=["GET"])
@blp.response(200, EndpointSchema)
@blp.allow(MANAGERS)
def get_endpoint(endpoint_id: UUID) -> Any:
    """One endpoint and its failure state (never its secret)"""
    return read(endpoints.endpoint, endpoint_id)


@blp.route("/<uuid:endpoint_id>", methods=["PATCH"])
@blp.arguments(EndpointChangeSchema())
@blp.response(200, EndpointSchema)
@blp.allow(MANAGERS)
def change_endpoint(data: dict[str, Any], endpoint_id: UUID) -> Any:
    """Rename it, move it to another URL, or switch it off or on"""
    return endpoints.change(unit_of_work(), endpoint_id, data)


@blp.route("/<uuid:endpoint_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_endpoint(endpoint_id: UUID) -> Any:
    """Remove the endpoint: nothing is sent to it any more"""
    endpoints.remove(unit_of_work(), endpoint_id)


@blp.route("/<uuid:endpoint_id>/enable", methods=["POST"])
@blp.response(200, EndpointSchema)
@blp.allow(MANAGERS)
def enable_endpoint(endpoint_id: UUID) -> Any:
    """Enable it again after it was disabled: its failure state is cleared"""
    return endpoints.enable(unit_of_work(), endpoint_id)


@blp.route("/<uuid:endpoint_id>/rotate-secret", methods=["POST"])
@blp.response(200, EndpointWithSecretSchema)
@blp.allow(MANAGERS)
def rotate_endpoint_secret(endpoint_id: UUID) -> Any:
    """A new signing secret, in this answer only"""
    return endpoints.rotate_secret(unit_of_work(), endpoint_id)
