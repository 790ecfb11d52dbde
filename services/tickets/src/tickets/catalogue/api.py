"""The service catalogue (服务目录, TKT-11): paid special services (特约服务), free convenience
services (便民服务) and bundles (服务套餐), priced on cost and never above the government's standard.
The operator's items apply in every estate; an estate's item of the same code replaces one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.catalogue import schemas, use_cases, views

blp = ScopedBlueprint("catalogue", __name__, scope=SCOPE, url_prefix="/api/v1/catalogue",
                      description="The service catalogue: paid and free services, bundles, prices (服务目录)")


@blp.route("/items", methods=["GET"])
@blp.arguments(schemas.CatalogueItemListArgs, location="query")
@blp.response(200, schemas.CatalogueItemSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_items(args: dict[str, Any]) -> Any:
    """The operator's items and the caller's estates' own (one estate's catalogue with estate_id)"""
    return read(views.item_list, current_principal(), args)


@blp.route("/items", methods=["POST"])
@blp.arguments(schemas.CatalogueItemSchema)
@blp.response(201, schemas.CatalogueItemSchema)
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def add_item(data: dict[str, Any]) -> Any:
    """Add a service or a bundle; a price above its ceiling (or, for a paid one, below its cost) is a 422"""
    return use_cases.add_item(unit_of_work(), data)


@blp.route("/items/<uuid:item_id>", methods=["GET"])
@blp.response(200, schemas.CatalogueItemSchema)
@blp.allow(STAFF)
def get_item(item_id: UUID) -> Any:
    """One item, with its margin"""
    return read(views.item, item_id)


@blp.route("/items/<uuid:item_id>", methods=["PATCH"])
@blp.arguments(schemas.CatalogueItemChangeSchema)
@blp.response(200, schemas.CatalogueItemSchema)
@blp.allow(MANAGERS)
def change_item(data: dict[str, Any], item_id: UUID) -> Any:
    """Change its names, price, cost, ceiling or materials, or (de)activate it"""
    return use_cases.change_item(unit_of_work(), item_id, data)
