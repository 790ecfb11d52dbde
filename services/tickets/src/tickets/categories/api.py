"""Repair, inquiry and complaint categories (报修、咨询分类), configurable by the operator for every
estate (no estate) or by an estate's managers for their own, with zh-CN and English names and the
skill dispatch matches staff by."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.categories import schemas, use_cases, views

blp = ScopedBlueprint("categories", __name__, scope=SCOPE, url_prefix="/api/v1/categories",
                      description="Repair, inquiry and complaint categories (分类)")


@blp.route("", methods=["GET"])
@blp.arguments(schemas.CategoryListArgs, location="query")
@blp.response(200, schemas.CategorySchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_categories(args: dict[str, Any]) -> Any:
    """The operator's categories and the caller's estates' own"""
    return read(views.category_list, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(schemas.CategorySchema)
@blp.response(201, schemas.CategorySchema)
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def add_category(data: dict[str, Any]) -> Any:
    """Add a category for one estate, or (operator admins) for every estate"""
    return use_cases.add_category(unit_of_work(), **data)


@blp.route("/<uuid:category_id>", methods=["PATCH"])
@blp.arguments(schemas.CategoryChangeSchema)
@blp.response(200, schemas.CategorySchema)
@blp.allow(MANAGERS)
def change_category(data: dict[str, Any], category_id: UUID) -> Any:
    """Rename a category, change its skill, or (de)activate it"""
    return use_cases.change_category(unit_of_work(), category_id, data)
