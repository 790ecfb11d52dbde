"""What a call or a callback may be linked to: a person, a unit, a ticket, a staff member and a desk
line of the call's own estate. A row of another estate is answered as one that does not exist
(404, "no such ..."), the suite's rule for another estate's rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Table, select

from servicekit.errors import NotFound
from tickets.tables import calls, desk_lines, people, staff, tickets, units

# field -> (table, what it is called in English and Chinese)
LINKS: dict[str, tuple[Table, str, str]] = {
    "person_id": (people, "person", "人员"),
    "unit_id": (units, "unit", "房屋"),
    "ticket_id": (tickets, "ticket", "工单"),
    "staff_id": (staff, "staff member", "员工"),
    "assignee_id": (staff, "staff member", "员工"),
    "outgoing_staff_id": (staff, "staff member", "员工"),
    "incoming_staff_id": (staff, "staff member", "员工"),
    "desk_line_id": (desk_lines, "desk line", "服务台线路"),
    "call_id": (calls, "call", "通话记录"),
}


def check_links(conn: Any, estate_id: UUID, values: Mapping[str, Any]) -> None:
    """Refuse (404) any linked row of ``values`` that is not in the estate."""
    for name, (table, what, what_zh) in LINKS.items():
        id_ = values.get(name)
        if id_ is None:
            continue
        found = conn.execute(select(table.c.estate_id).where(table.c.id == id_)).first()
        if found is None or found[0] != estate_id:
            raise NotFound(f"no such {what} in this estate", f"该小区没有此{what_zh}", errors={name: ["not found"]})
