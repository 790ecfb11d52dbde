"""Rules (事件通知规则): which tickets events send which template to whom over which channels;
an estate's own, or the operator's for every estate; and the rules in force for an estate, the
built-in defaults included."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from tenancy.roles import MANAGERS, OPERATORS, STAFF

from notify.api.access import blueprint
from notify.domain.channels import CHANNELS
from notify.rules import configure, matching
from notify.rules.audiences import AUDIENCES
from notify.rules.handlers import TICKETS_EVENTS
from notify.tables import rules
from servicekit.auth import scoped
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("rules", __name__, url_prefix="/api/v1/rules",
                description="Rules turning tickets events into messages (事件通知规则)")


def Strict(**kwargs: Any) -> fields.Boolean:  # noqa: N802  (a field, as marshmallow's are named)
    """A JSON true or false (not "yes", "on" nor "1")."""
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class RuleSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, for every estate"})
    event_type = fields.String(required=True, validate=validate.OneOf(TICKETS_EVENTS))
    audience = fields.String(required=True, validate=validate.OneOf(AUDIENCES))
    template_id = fields.UUID(required=True)
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                           validate=validate.Length(min=1, max=4))
    urgent = Strict(load_default=False, metadata={"description": "Ignores quiet hours"})
    active = Strict(load_default=True)
    created_at = fields.DateTime(dump_only=True)
    version = fields.Integer(dump_only=True)


class RuleChangeSchema(Schema):
    audience = fields.String(validate=validate.OneOf(AUDIENCES))
    template_id = fields.UUID()
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), validate=validate.Length(min=1, max=4))
    urgent = Strict()
    active = Strict()


class EffectiveRuleSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID(allow_none=True)
    event_type = fields.String()
    audience = fields.String()
    template_id = fields.UUID(allow_none=True)
    template_code = fields.String(allow_none=True)
    channels = fields.List(fields.String())
    urgent = fields.Boolean()
    built_in = fields.Boolean(metadata={"description": "A built-in default (no row; its id is stable)"})
    name = fields.String(allow_none=True)


class RuleListArgs(Schema):
    estate_id = fields.UUID()
    event_type = fields.String(validate=validate.OneOf(TICKETS_EVENTS))


def _list(session: Any, args: dict[str, Any]) -> list[dict[str, Any]]:
    r, principal = rules.c, current_principal()
    statement = select(rules)
    if principal.estates is not None:  # the operator's rules, and those of the caller's estates
        statement = statement.where(r.estate_id.is_(None) | r.id.in_(scoped(select(r.id), r.estate_id, principal)))
    if args.get("estate_id"):
        statement = statement.where(r.estate_id.is_(None) | (r.estate_id == args["estate_id"]))
    if args.get("event_type"):
        statement = statement.where(r.event_type == args["event_type"])
    return [dict(row) for row in session.execute(statement.order_by(r.event_type, r.created_at, r.id)).mappings()]


@blp.route("", methods=["GET"])
@blp.arguments(RuleListArgs, location="query")
@blp.response(200, RuleSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_rules(args: dict[str, Any]) -> Any:
    """The operator's rules and the caller's estates' own (configured rows only)"""
    return read(_list, args)


@blp.route("", methods=["POST"])
@blp.arguments(RuleSchema)
@blp.response(201, RuleSchema)
@blp.allow(MANAGERS, rows=("estate_id",))
def add_rule(data: dict[str, Any]) -> Any:
    """Add a rule for one estate, or (operator admins) for every estate"""
    if data["estate_id"] is None and current_principal().role not in OPERATORS:
        abort(403, message="only the operator adds rules for every estate; name your estate")
    return configure.add_rule(unit_of_work(), data, now())


@blp.route("/<uuid:rule_id>", methods=["GET"])
@blp.response(200, RuleSchema)
@blp.allow(STAFF)
def get_rule(rule_id: UUID) -> Any:
    """One configured rule"""
    return read(lambda s: dict(s.execute(select(rules).where(rules.c.id == rule_id)).mappings().one()))


@blp.route("/<uuid:rule_id>", methods=["PATCH"])
@blp.arguments(RuleChangeSchema)
@blp.response(200, RuleSchema)
@blp.allow(MANAGERS)
def change_rule(data: dict[str, Any], rule_id: UUID) -> Any:
    """Change a rule's audience, template, channels or urgency, or (de)activate it"""
    return configure.change_rule(unit_of_work(), rule_id, data)


@blp.route("/<uuid:rule_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_rule(rule_id: UUID) -> None:
    """Delete a rule: its event type falls back to the operator's rules, else the built-in defaults"""
    configure.delete_rule(unit_of_work(), rule_id)


@blp.route("/effective/<uuid:estate_id>", methods=["GET"])
@blp.response(200, EffectiveRuleSchema(many=True))
@blp.allow(STAFF)
def effective_rules(estate_id: UUID) -> Any:
    """The rules in force for an estate, per event type: its own, else the operator's, else the built-in ones"""
    return [vars(rule) for rule in read(matching.effective_rules, estate_id)]
