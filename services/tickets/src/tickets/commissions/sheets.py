"""A commission statement as a table, for CSV and XLSX alike."""

from __future__ import annotations

from typing import Any

from tickets.reports.exports import Column, Sheet

COLUMNS = [
    Column("earned_at", "付款时间 Paid at"), Column("number", "工单号 Ticket"), Column("title", "标题 Title"),
    Column("item", "服务项目 Service"), Column("quantity", "数量 Quantity"), Column("amount", "金额 Amount"),
    Column("rule", "佣金规则 Rule"), Column("commission", "佣金 Commission"),
]


def statement_rows(statement: dict[str, Any]) -> list[dict[str, Any]]:
    """The statement's lines, amounts as exact text, and a closing line of totals."""
    rows = [{**line, "quantity": f"{line['quantity']:.2f}", "amount": f"{line['amount']:.2f}",
             "commission": f"{line['commission']:.2f}"} for line in statement["lines"]]
    rows.append({"earned_at": "合计 Total", "number": f"{statement['tickets']}", "amount": f"{statement['amount']:.2f}",
                 "commission": f"{statement['commission']:.2f}"})
    return rows


def statement_sheet(statement: dict[str, Any]) -> Sheet:
    notes = [f"{statement['name']} {statement['period']} 佣金结算单 Commission statement"]
    return Sheet("佣金 Commissions", COLUMNS, statement_rows(statement), None, notes)


SUMMARY_COLUMNS = [
    Column("name", "员工 Staff"), Column("tickets", "工单数 Tickets"), Column("lines", "项目数 Lines"),
    Column("amount", "金额 Amount"), Column("commission", "佣金 Commission"),
]


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One line per member of staff, amounts as exact text, and a closing line of the estate's totals."""
    rows = [{**person, "amount": f"{person['amount']:.2f}", "commission": f"{person['commission']:.2f}"}
            for person in summary["staff"]]
    rows.append({"name": "合计 Total", "tickets": summary["tickets"], "lines": summary["lines"],
                 "amount": f"{summary['amount']:.2f}", "commission": f"{summary['commission']:.2f}"})
    return rows


def summary_sheet(summary: dict[str, Any]) -> Sheet:
    notes = [f"{summary['period']} 佣金汇总 Commission summary"]
    return Sheet("佣金汇总 Commission summary", SUMMARY_COLUMNS, summary_rows(summary), None, notes)
