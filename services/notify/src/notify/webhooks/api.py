"""Webhook endpoints (NTF-6): the company systems notify sends signed webhooks to, managed by
managers (for their estates) and the operator (operator-wide ones too). The signing secret is
answered once, when created or rotated; a read shows the failure state the sender keeps."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS

from notify.access import blueprint
from notify.webhooks import use_cases, views
from notify.webhooks.schemas import (
    EndpointChangeSchema,
    EndpointListArgs,
    EndpointSchema,
    EndpointWithSecretSchema,
    NewEndpointSchema,
)
from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work

blp = blueprint("webhooks", __name__, url_prefix="/api/v1/webhook-endpoints",
                description="Webhook endpoints of other company systems, and their failure state (Webhook)")


@blp.route("", methods=["POST"])
@blp.arguments(NewEndpointSchema())
@blp.response(201, EndpointWithSecretSchema)
@blp.allow(MANAGERS, rows=("estate_id",), operator_wide="estate_id")
def create_endpoint(data: dict[str, Any]) -> Any:
    """Register an endpoint; its signing secret is in this answer only"""
    return use_cases.create(unit_of_work(), data, now(), current_settings())


@blp.route("", methods=["GET"])
@blp.arguments(EndpointListArgs(), location="query")
@blp.response(200, page_schema(EndpointSchema))
@blp.allow(MANAGERS, rows=("estate_id",))
def list_endpoints(args: dict[str, Any]) -> Any:
    """The endpoints of the caller's estates, with their failure state"""
    return read(views.endpoint_list, current_principal(), args)


@blp.route("/<uuid:endpoint_id>", methods=["GET"])
@blp.response(200, EndpointSchema)
@blp.allow(MANAGERS)
def get_endpoint(endpoint_id: UUID) -> Any:
    """One endpoint and its failure state (never its secret)"""
    return read(views.endpoint, endpoint_id)


@blp.route("/<uuid:endpoint_id>", methods=["PATCH"])
@blp.arguments(EndpointChangeSchema())
@blp.response(200, EndpointSchema)
@blp.allow(MANAGERS)
def change_endpoint(data: dict[str, Any], endpoint_id: UUID) -> Any:
    """Rename it, move it to another URL, or switch it off or on"""
    return use_cases.change(unit_of_work(), endpoint_id, data, current_settings())


@blp.route("/<uuid:endpoint_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_endpoint(endpoint_id: UUID) -> Any:
    """Remove the endpoint: nothing is sent to it any more"""
    use_cases.remove(unit_of_work(), endpoint_id)


@blp.route("/<uuid:endpoint_id>/enable", methods=["POST"])
@blp.response(200, EndpointSchema)
@blp.allow(MANAGERS)
def enable_endpoint(endpoint_id: UUID) -> Any:
    """Enable it again after it was disabled: its failure state is cleared"""
    return use_cases.enable(unit_of_work(), endpoint_id)


@blp.route("/<uuid:endpoint_id>/rotate-secret", methods=["POST"])
@blp.response(200, EndpointWithSecretSchema)
@blp.allow(MANAGERS)
def rotate_endpoint_secret(endpoint_id: UUID) -> Any:
    """A new signing secret, in this answer only"""
    return use_cases.rotate_secret(unit_of_work(), endpoint_id)
