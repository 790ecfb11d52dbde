"""Commissions for the staff who did paid work (服务佣金管理, TKT-11): the rules, and each member of
staff's monthly statement (JSON, CSV or XLSX). A technician reads their own statement only."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF, TECHNICIAN

from servicekit.access import ScopedBlueprint
from servicekit.web import current_principal, refuse
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.commissions import schemas, use_cases, views
from tickets.commissions.sheets import (
    COLUMNS,
    SUMMARY_COLUMNS,
    statement_rows,
    statement_sheet,
    summary_rows,
    summary_sheet,
)
from tickets.reports.formats import as_asked
from tickets.reports.schemas import files

blp = ScopedBlueprint("commissions", __name__, scope=SCOPE, url_prefix="/api/v1/commissions",
                      description="Commission rules and statements (服务佣金)")


@blp.route("/rules", methods=["GET"])
@blp.arguments(schemas.CommissionRuleListArgs, location="query")
@blp.response(200, schemas.CommissionRuleSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_rules(args: dict[str, Any]) -> Any:
    """The operator's rules and the caller's estates' own"""
    return read(views.rule_list, current_principal(), args)


@blp.route("/rules", methods=["POST"])
@blp.arguments(schemas.CommissionRuleSchema)
@blp.response(201, schemas.CommissionRuleSchema)
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def add_rule(data: dict[str, Any]) -> Any:
    """Add a rule for an item, a category or every item, of one estate or (operator admins) every estate"""
    return use_cases.add_rule(unit_of_work(), data)


@blp.route("/rules/<uuid:commission_rule_id>", methods=["PATCH"])
@blp.arguments(schemas.CommissionRuleChangeSchema)
@blp.response(200, schemas.CommissionRuleSchema)
@blp.allow(MANAGERS)
def change_rule(data: dict[str, Any], commission_rule_id: UUID) -> Any:
    """Change what a rule pays from now on, or (de)activate it"""
    return use_cases.change_rule(unit_of_work(), commission_rule_id, data)


@blp.route("/staff/<uuid:staff_id>/statement", methods=["GET"])
@blp.arguments(schemas.CommissionStatementArgs, location="query")
@blp.response(200, schemas.CommissionStatementSchema)
@blp.doc(responses=files("CommissionStatement"))
@blp.allow(STAFF)
def statement(args: dict[str, Any], staff_id: UUID) -> Any:
    """A member of staff's commissions of a month (佣金结算单)"""
    principal = current_principal()
    if principal.role == TECHNICIAN and principal.subject != str(staff_id):
        refuse(403, "a technician reads their own statement only", "维修人员只能查看自己的佣金结算单")
    found = read(views.statement, staff_id, args["period"])
    return as_asked(args, f"commissions-{staff_id}-{args['period']}", found,
                    lambda: (COLUMNS, statement_rows(found)), lambda: [statement_sheet(found)])


@blp.route("/summary", methods=["GET"])
@blp.arguments(schemas.CommissionSummaryArgs, location="query")
@blp.response(200, schemas.CommissionSummarySchema)
@blp.doc(responses=files("CommissionSummary"))
@blp.allow(MANAGERS, rows=("estate_id",))
def summary(args: dict[str, Any]) -> Any:
    """An estate's commissions of a month, per member of staff (佣金汇总)"""
    found = read(views.summary, args["estate_id"], args["period"])
    return as_asked(args, f"commissions-summary-{args['estate_id']}-{args['period']}", found,
                    lambda: (SUMMARY_COLUMNS, summary_rows(found)), lambda: [summary_sheet(found)])
