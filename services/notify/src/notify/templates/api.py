"""Templates (模板): the operator's, for every estate, and each estate's own; ${var} texts in zh-CN and English."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS

from notify.access import CREATORS, blueprint
from notify.templates import use_cases, views
from notify.templates.schemas import TemplateChangeSchema, TemplateListArgs, TemplateSchema
from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("templates", __name__, url_prefix="/api/v1/templates", description="Notice templates (通知模板)")


@blp.route("", methods=["GET"])
@blp.arguments(TemplateListArgs(), location="query")
@blp.response(200, page_schema(TemplateSchema))
@blp.allow(CREATORS, estates=("estate_id",))
def list_templates(args: dict[str, Any]) -> Any:
    """The operator's templates and the caller's estates' own"""
    return read(views.template_list, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(TemplateSchema())
@blp.response(201, TemplateSchema())
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def add_template(data: dict[str, Any]) -> Any:
    """Add a template for one estate, or (operator admins) for every estate"""
    return use_cases.add_template(unit_of_work(), data, now())


@blp.route("/<uuid:template_id>", methods=["GET"])
@blp.response(200, TemplateSchema())
@blp.allow(CREATORS)
def get_template(template_id: UUID) -> Any:
    """One template"""
    return read(views.get_template, template_id)


@blp.route("/<uuid:template_id>", methods=["PATCH"])
@blp.arguments(TemplateChangeSchema())
@blp.response(200, TemplateSchema())
@blp.allow(MANAGERS)
def change_template(data: dict[str, Any], template_id: UUID) -> Any:
    """Change a template's texts, variables, purpose or SMS template code"""
    return use_cases.change_template(unit_of_work(), template_id, data, now())


@blp.route("/<uuid:template_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def remove_template(template_id: UUID) -> Any:
    """Remove a template no notice uses"""
    use_cases.remove_template(unit_of_work(), template_id)
    return None
