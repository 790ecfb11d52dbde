"""Service levels over HTTP: SLA policies, business calendars (holidays, make-up days) and
escalation rules, managed by the operator and the estates' managers (TKT-4, TKT-5)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS

from servicekit.access import ScopedBlueprint
from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal, refuse
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.sla import schemas, use_cases, views

blp = ScopedBlueprint("sla", __name__, scope=SCOPE, url_prefix="/api/v1/sla",
                      description="Service levels and escalation")


@blp.route("/policies", methods=["GET"])
@blp.arguments(schemas.EstateFilter, location="query")
@blp.response(200, page_schema(schemas.PolicySchema))
@blp.allow(MANAGERS, estates=("estate_id",))
def list_policies(args: dict[str, Any]) -> dict[str, Any]:
    """The SLA policies of the caller's estates"""
    return read(views.policy_page, current_principal(), args)


@blp.route("/policies", methods=["POST"])
@blp.arguments(schemas.PolicySchema)
@blp.response(201, schemas.PolicySchema)
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def create_policy(data: dict[str, Any]) -> dict[str, Any]:
    """Set targets for an estate (or every estate), a kind, a complaint class and a priority"""
    return use_cases.create_policy(unit_of_work(), data)


@blp.route("/policies/<uuid:policy_id>", methods=["GET"])
@blp.response(200, schemas.PolicySchema)
@blp.allow(MANAGERS)
def get_policy(policy_id: UUID) -> dict[str, Any]:
    """One SLA policy"""
    return read(views.policy, policy_id)


@blp.route("/policies/<uuid:policy_id>", methods=["PUT"])
@blp.arguments(schemas.PolicyUpdateSchema)
@blp.response(200, schemas.PolicySchema)
@blp.allow(MANAGERS)
def update_policy(data: dict[str, Any], policy_id: UUID) -> dict[str, Any]:
    """Change a policy (for tickets opened from now on)"""
    return use_cases.update_policy(unit_of_work(), policy_id, data)


@blp.route("/policies/<uuid:policy_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_policy(policy_id: UUID) -> None:
    """Remove a policy: the next less specific one, or the defaults, apply"""
    use_cases.delete_policy(unit_of_work(), policy_id)


@blp.route("/calendars", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(schemas.CalendarSchema))
@blp.allow(MANAGERS)
def list_calendars(args: dict[str, Any]) -> dict[str, Any]:
    """The business calendars of the caller's estates (an estate without one runs 24x7)"""
    return read(views.calendar_page, current_principal(), args)


@blp.route("/calendars", methods=["POST"])
@blp.arguments(schemas.CalendarSchema)
@blp.response(201, schemas.CalendarSchema)
@blp.allow(MANAGERS, estates=("estate_id",))
def create_calendar(data: dict[str, Any]) -> dict[str, Any]:
    """Give an estate business hours"""
    return use_cases.create_calendar(unit_of_work(), data)


@blp.route("/calendars/<uuid:calendar_id>", methods=["GET"])
@blp.response(200, schemas.CalendarSchema)
@blp.allow(MANAGERS)
def get_calendar(calendar_id: UUID) -> dict[str, Any]:
    """One calendar with its holidays and make-up working days"""
    return read(views.calendar, calendar_id)


@blp.route("/calendars/<uuid:calendar_id>", methods=["PUT"])
@blp.arguments(schemas.CalendarUpdateSchema)
@blp.response(200, schemas.CalendarSchema)
@blp.allow(MANAGERS)
def update_calendar(data: dict[str, Any], calendar_id: UUID) -> dict[str, Any]:
    """Change the time zone or the week's open hours"""
    return use_cases.update_calendar(unit_of_work(), calendar_id, data)


@blp.route("/calendars/<uuid:calendar_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_calendar(calendar_id: UUID) -> None:
    """Remove the calendar: the estate runs 24x7 from now on"""
    use_cases.delete_calendar(unit_of_work(), calendar_id)


@blp.route("/calendars/<uuid:calendar_id>/days/<string:day>", methods=["PUT"])
@blp.arguments(schemas.DaySchema)
@blp.response(200, schemas.CalendarSchema)
@blp.allow(MANAGERS)
def set_calendar_day(data: dict[str, Any], calendar_id: UUID, day: str) -> dict[str, Any]:
    """Make a day a holiday or a make-up working day (调休)"""
    return use_cases.set_day(unit_of_work(), calendar_id, _day(day), data["kind"], data["name"])


@blp.route("/calendars/<uuid:calendar_id>/days/<string:day>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_calendar_day(calendar_id: UUID, day: str) -> None:
    """Make a day an ordinary day of its week again"""
    use_cases.delete_day(unit_of_work(), calendar_id, _day(day))


@blp.route("/escalation-rules", methods=["GET"])
@blp.arguments(schemas.EstateFilter, location="query")
@blp.response(200, page_schema(schemas.RuleSchema))
@blp.allow(MANAGERS, estates=("estate_id",))
def list_rules(args: dict[str, Any]) -> dict[str, Any]:
    """The escalation rules of the caller's estates (an estate with none follows the operator's or the defaults)"""
    return read(views.rule_page, current_principal(), args)


@blp.route("/escalation-rules", methods=["POST"])
@blp.arguments(schemas.RuleSchema)
@blp.response(201, schemas.RuleSchema)
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def create_rule(data: dict[str, Any]) -> dict[str, Any]:
    """Add a rule: on a trigger, at a level, do an action"""
    return use_cases.create_rule(unit_of_work(), data)


@blp.route("/escalation-rules/<uuid:rule_id>", methods=["GET"])
@blp.response(200, schemas.RuleSchema)
@blp.allow(MANAGERS)
def get_rule(rule_id: UUID) -> dict[str, Any]:
    """One escalation rule"""
    return read(views.rule, rule_id)


@blp.route("/escalation-rules/<uuid:rule_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(MANAGERS)
def delete_rule(rule_id: UUID) -> None:
    """Remove a rule"""
    use_cases.delete_rule(unit_of_work(), rule_id)


@blp.route("/configuration-warnings", methods=["GET"])
@blp.arguments(schemas.EstateFilter, location="query")
@blp.response(200, page_schema(schemas.ConfigurationWarningSchema))
@blp.allow(MANAGERS, estates=("estate_id",))
def list_configuration_warnings(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's estates whose escalations cannot reach the role the rules name: no active
    supervisor or first responsible person (escalations then go on up the chain, to the operator's
    admins at its top). The tickets_configuration_warnings metric counts them for every estate."""
    return read(views.configuration_warning_page, current_principal(), args)


def _day(text: str) -> date:
    """The ``day`` of a URL, YYYY-MM-DD (a 422 otherwise)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        refuse(422, "a day is YYYY-MM-DD", "日期格式为 YYYY-MM-DD", errors={"day": [f"{text!r} is not a date"]})
