"""A technician's own work (``/console/my-work``), on a phone: their open tickets, each with its stage
and its SLA clock, the most urgent first, linking to the ticket's page. The tickets API answers a
technician's token with only the tickets assigned to them; the page asks for those by name too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tenancy.roles import TECHNICIAN

from gateway.console.desk_forms import staff_id
from gateway.console.frame import backends, blp, page, require_role, staff_page, t

# The worst first: an overdue target, then one near, then the rest by when it is due.
URGENCY = {"breached": 0, "warned": 1, "on_time": 2, "paused": 3, "none": 4}


@blp.route("/console/my-work", methods=["GET"])
@staff_page
def my_work() -> Any:
    require_role({TECHNICIAN})
    me = staff_id()
    found = backends().get("tickets", "/api/v1/tickets", status="open", assignee_id=me,
                           page_size=100)["items"] if me else []
    found.sort(key=lambda ticket: (URGENCY.get(ticket["sla"]["state"], 5), ticket["sla"]["next_due_at"] or "~"))
    now = datetime.now(UTC)
    return page("my_work_list", tickets=[{**ticket, "left": _left(ticket["sla"]["next_due_at"], now)}
                                         for ticket in found])


def _left(due: str | None, now: datetime) -> str:
    """How long until the next target is due ("1 h 20 min left"), or how long it is overdue."""
    if not due:
        return ""
    seconds = int((datetime.fromisoformat(due.replace("Z", "+00:00")) - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    days, hours_of_day = divmod(hours, 24)
    span = (t("mine_days_hours").format(d=days, h=hours_of_day) if days >= 2 else
            t("mine_hours_minutes").format(h=hours, m=minutes) if hours else t("mine_minutes").format(m=minutes))
    return t("mine_left" if seconds >= 0 else "mine_overdue").format(span=span)
