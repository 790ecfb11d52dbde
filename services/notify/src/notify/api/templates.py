"""Templates (模板): the operator's, for every estate, and each estate's own; ${var} texts in zh-CN and English."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select
from tenancy.roles import MANAGERS, OPERATORS

from notify.api.access import blueprint
from notify.api.roles import CREATORS
from notify.domain.purposes import PURPOSES
from notify.tables import templates
from notify.templates import use_cases
from servicekit.auth import scoped
from servicekit.paging import PageArgs, page_of, page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("templates", __name__, url_prefix="/api/v1/templates", description="Notice templates (通知模板)")

_CODE = validate.Regexp(r"^[a-z0-9_\-]{1,60}$", error="lower-case letters, digits, - and _; at most 60")


class TemplateSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, for every estate"})
    code = fields.String(required=True, validate=_CODE)
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))
    texts = fields.Dict(required=True, metadata={"description": (
        '{"zh-CN": {"subject": .., "body": ..}, "en": {..}}; ${name} variables')})
    variables = fields.List(fields.String(validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]*$")), load_default=list,
                            metadata={"description": "The variables the texts may use besides name, unit, estate"})
    sms_template_code = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    version = fields.Integer(dump_only=True)


class TemplateChangeSchema(Schema):
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
    texts = fields.Dict()
    variables = fields.List(fields.String(validate=validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_]*$")))
    sms_template_code = fields.String(allow_none=True, validate=validate.Length(min=1, max=40))


class TemplateListArgs(PageArgs):
    estate_id = fields.UUID()


def _template_list(session: Any, principal: Any, args: dict[str, Any]) -> dict[str, Any]:
    statement = select(templates)
    if principal.estates is not None:
        own = scoped(select(templates.c.id), templates.c.estate_id, principal)  # the caller's estates' templates
        statement = statement.where(or_(templates.c.estate_id.is_(None), templates.c.id.in_(own)))
    if args.get("estate_id") is not None:
        statement = statement.where(or_(templates.c.estate_id.is_(None), templates.c.estate_id == args["estate_id"]))
    return page_of(session, statement.order_by(templates.c.code, templates.c.id), args)


@blp.route("", methods=["GET"])
@blp.arguments(TemplateListArgs(), location="query")
@blp.response(200, page_schema(TemplateSchema))
@blp.allow(CREATORS, estates=("estate_id",))
def list_templates(args: dict[str, Any]) -> Any:
    """The operator's templates and the caller's estates' own"""
    return read(_template_list, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(TemplateSchema())
@blp.response(201, TemplateSchema())
@blp.allow(MANAGERS, estates=("estate_id",))
def add_template(data: dict[str, Any]) -> Any:
    """Add a template for one estate, or (operator admins) for every estate"""
    if data["estate_id"] is None and current_principal().role not in OPERATORS:
        abort(403, message="only the operator adds templates for every estate; name your estate")
    return use_cases.add_template(unit_of_work(), data, now())


@blp.route("/<uuid:template_id>", methods=["GET"])
@blp.response(200, TemplateSchema())
@blp.allow(CREATORS)
def get_template(template_id: UUID) -> Any:
    """One template"""
    return read(use_cases.get_template, template_id)


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
