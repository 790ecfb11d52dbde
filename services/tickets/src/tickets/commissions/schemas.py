"""Request and response schemas of commission rules and statements."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from servicekit.exact import ExactDecimal
from tickets.catalogue.schemas import CODE
from tickets.reports.monthly import PERIOD
from tickets.reports.schemas import FormatArgs
from tickets.tickets.schemas import JsonBoolean

_PERCENT = {"maximum": "100", "metadata": {"description": "Percent of the line's amount, e.g. \"10.00\""}}
_PER_UNIT = {"maximum": "100000", "metadata": {"description": "Yuan per unit of the line's quantity"}}


class CommissionRuleSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, every estate"})
    item_code = fields.String(load_default=None, allow_none=True, validate=CODE, metadata={
        "description": "For one catalogue item; or give category; neither: for every item"})
    category = fields.String(load_default=None, allow_none=True, validate=CODE)
    percent = ExactDecimal(load_default=None, allow_none=True, **_PERCENT)
    per_unit = ExactDecimal(load_default=None, allow_none=True, **_PER_UNIT)
    active = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)

    @validates_schema
    def _one_scope_some_pay(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("item_code") and data.get("category"):
            raise ValidationError("a rule is for an item or for a category, not both", "category")
        if data.get("percent") is None and data.get("per_unit") is None:
            raise ValidationError("give a percent, a sum per unit, or both", "percent")


class CommissionRuleChangeSchema(Schema):
    percent = ExactDecimal(allow_none=True, **_PERCENT)
    per_unit = ExactDecimal(allow_none=True, **_PER_UNIT)
    active = JsonBoolean()


class CommissionRuleListArgs(Schema):
    estate_id = fields.UUID()
    include_inactive = fields.Boolean(load_default=False)


class CommissionStatementArgs(FormatArgs):
    period = fields.String(required=True, validate=validate.Regexp(PERIOD), metadata={"description": "YYYY-MM"})


class CommissionLineSchema(Schema):
    earned_at = fields.DateTime(metadata={"description": "When the ticket was paid in full"})
    ticket_id = fields.UUID()
    number = fields.String()
    title = fields.String()
    code = fields.String()
    item = fields.String()
    quantity = ExactDecimal(maximum="10000")
    amount = ExactDecimal(maximum="1000000")
    rule = fields.String(metadata={"description": "item <code>, category <code>, or every item; and its terms"})
    commission = ExactDecimal(maximum="1000000")


class CommissionStatementSchema(Schema):
    """A member of staff's commission statement of a month (佣金结算单)."""

    staff_id = fields.UUID()
    name = fields.String()
    estate_id = fields.UUID()
    period = fields.String()
    lines = fields.List(fields.Nested(CommissionLineSchema))
    tickets = fields.Integer()
    amount = ExactDecimal(maximum="100000000", metadata={"description": "Sales the commissions were earned on"})
    commission = ExactDecimal(maximum="100000000")


class CommissionSummaryArgs(CommissionStatementArgs):
    estate_id = fields.UUID(required=True)


class CommissionEarnerSchema(Schema):
    staff_id = fields.UUID()
    name = fields.String()
    tickets = fields.Integer()
    lines = fields.Integer()
    amount = ExactDecimal(maximum="100000000", metadata={"description": "Sales the commissions were earned on"})
    commission = ExactDecimal(maximum="100000000")


class CommissionSummarySchema(Schema):
    """An estate's commissions of a month, per member of staff (佣金汇总)."""

    estate_id = fields.UUID()
    period = fields.String()
    staff = fields.List(fields.Nested(CommissionEarnerSchema), metadata={"description": "Most earned first"})
    tickets = fields.Integer()
    lines = fields.Integer()
    amount = ExactDecimal(maximum="100000000")
    commission = ExactDecimal(maximum="100000000")
