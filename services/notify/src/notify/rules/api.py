"""Rules (事件通知规则): which tickets events send which template to whom over which channels;
an estate's own, or the operator's for every estate; and the rules in force for an estate, the
built-in defaults included."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from notify.access import blueprint
from notify.rules import use_cases, views
from notify.rules.schemas import EffectiveRuleSchema, RuleChangeSchema, RuleListArgs, RuleSchema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = blueprint("rules", __name__, url_prefix="/api/v1/rules",
                description="Rules turning tickets events into messages (事件通知规则)")


@blp.route("", methods=["GET"])
@blp.arguments(RuleListArgs, location="query")
@blp.response(200, RuleSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_rules(args: dict[str, Any]) -> Any:
    """The operator's rules and the caller's estates' own (configured rows only)"""
    return read(views.rule_list, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(RuleSchema)
@blp.response(201, RuleSchema)
@blp.allow(MANAGERS, rows=("estate_id",), operator_wide="estate_id")
def add_rule(data: dict[str, Any]) -> Any:
    """Add a rule for one estate, or (operator admins) for every estate"""
    return use_cases.add_rule(unit_of_work(), data, now())


@blp.route("/<uuid:rule_id>", methods=["GET"])
@blp.response(200, RuleSchema)
@blp.allow(STAFF)
def get_rule(rule_id: UUID) -> Any:
    """One configured rule"""
    return read(views.rule, rule_id)


@blp.route("/<uuid:rule_id>", methods=["PATCH"])
@blp.arguments(RuleChangeSchema)
@blp.response(200, RuleSchema)
@blp.allow(MANAGERS)
def change_rule(data: dict[str, Any], rule_id: UUID) -> Any:
    """Change a rule's audience, template, channels or urgency, or (de)activate it"""
    return use_cases.change_rule(unit_of_work(), rule_id, data)


@blp.route("/<uuid:rule_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_rule(rule_id: UUID) -> None:
    """Delete a rule: its event type falls back to the operator's rules, else the built-in defaults"""
    use_cases.delete_rule(unit_of_work(), rule_id)


@blp.route("/effective/<uuid:estate_id>", methods=["GET"])
@blp.response(200, EffectiveRuleSchema(many=True))
@blp.allow(STAFF)
def effective_rules(estate_id: UUID) -> Any:
    """The rules in force for an estate, per event type: its own, else the operator's, else the built-in ones"""
    return read(views.effective_rules, estate_id)
