"""The complaints' outcomes in the reports (TKT-14): the ticket report grouped by root cause,
sub-type, department and the review and flags; the monthly analysis's justified share, top root
causes, departments, media and legal counts, and the common areas that failed again, checked
against a hand-counted November."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from tickets.reports.use_cases import generate
from tickets.service import SERVICE
from tickets.tables import buildings, complaint_outcomes

NOV = {"from": "2026-11-01", "to": "2026-11-30"}


def at(month: int, day: int, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def november(db, make_estate, make_ticket) -> dict[str, Any]:
    """Five complaints of November with outcomes (three reviewed: two justified), one without, and
    the lift of building 1 failing three times (twice in November), the gate once."""
    a = make_estate("阳光花园", "SUN")
    building = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(insert(buildings).values(id=building, estate_id=a, code="1", name="1栋", version=1))

    def complaint(day: int, klass: str, outcome: dict[str, Any] | None, **values: Any) -> uuid.UUID:
        ticket = make_ticket(a, created_at=at(11, day), complaint_class=klass, **values)
        if outcome is not None:
            with db.begin() as conn:
                conn.execute(insert(complaint_outcomes).values(
                    ticket_id=ticket, estate_id=a, updated_by="test", updated_at=at(11, day), version=1, **outcome))
        return ticket

    complaint(3, "facilities", {"subtype": "equipment_running", "root_cause": "maintenance_lapse",
                                "responsible_department": "工程部", "justified": True},
              common_area="电梯", building_id=building)
    complaint(5, "facilities", {"subtype": "equipment_running", "root_cause": "maintenance_lapse",
                                "responsible_department": "工程部", "justified": True, "media_involved": True})
    complaint(8, "fees", {"subtype": "shared_charges", "root_cause": "fee_dispute", "responsible_department": "财务部",
                          "justified": False, "legal_referral": True})
    complaint(9, "management", {"subtype": "attitude", "root_cause": "staff_attitude"}, quality_aspect="attitude")
    complaint(10, "emergency", None)
    complaint(11, "facilities", {"root_cause": "maintenance_lapse"}, stage="merged")  # a duplicate: not counted
    make_ticket(a, created_at=at(11, 20), kind="repair", common_area="电梯", building_id=building, category="lift")
    make_ticket(a, created_at=at(9, 20), kind="repair", common_area="电梯", building_id=building, category="lift")
    make_ticket(a, created_at=at(11, 21), kind="repair", common_area="大门", category="gate")
    make_ticket(a, created_at=at(11, 22), kind="complaint", complaint_class="management", quality_aspect="attitude",
                common_area="大门")  # a management complaint is no failure of the gate
    return {"a": a, "building": building}


def test_the_ticket_report_groups_by_the_outcome(client, auth, november) -> None:
    rows = client.get("/api/v1/reports/tickets", headers=auth(), query_string={
        **NOV, "group_by": "root_cause,justified", "estate_id": str(november["a"])}).json["rows"]
    found = {(r["root_cause"], r["justified"]): (r["tickets"], r["root_cause_name"], r["justified_name"])
             for r in rows}
    assert found[("maintenance_lapse", True)] == (2, "维护保养不到位 Maintenance lapse", "有效投诉 Justified")
    assert found[("fee_dispute", False)][0] == 1 and found[("staff_attitude", None)][0] == 1
    assert found[(None, None)][0] == 4  # the emergency without an outcome and the three repairs...
    by_department = client.get("/api/v1/reports/tickets", headers=auth(), query_string={
        **NOV, "group_by": "responsible_department", "format": "csv"})
    assert by_department.status_code == 200 and "工程部" in by_department.get_data(as_text=True)
    media = client.get("/api/v1/reports/tickets", headers=auth(), query_string={**NOV, "group_by": "media_involved"})
    assert {r["media_involved"]: r["tickets"] for r in media.json["rows"]}[True] == 1


def test_the_monthly_analysis_learns_from_the_outcomes(client, db, auth, november) -> None:
    uow = SERVICE.unit_of_work(sessionmaker(db, expire_on_commit=False))
    content = generate(uow, november["a"], "2026-11", at(12, 2))["content"]
    outcomes = content["outcomes"]
    # counted: the five complaints of the month and the management one at the gate (the merged one is not)
    assert content["totals"]["complaints"] == 6
    assert (outcomes["recorded"], outcomes["reviewed"], outcomes["justified"], outcomes["not_justified"]) == (
        4, 3, 2, 1)
    assert outcomes["justified_share"] == 0.6667
    assert (outcomes["media_involved"], outcomes["legal_referral"]) == (1, 1)
    assert [(r["root_cause"], r["complaints"], r["justified"]) for r in outcomes["top_root_causes"]] == [
        ("maintenance_lapse", 2, 2), ("fee_dispute", 1, 0), ("staff_attitude", 1, 0)]
    assert [(r["name"], r["complaints"]) for r in outcomes["by_department"]] == [
        ("工程部", 2), ("财务部", 1), ("无 None", 1)]
    assert outcomes["by_subtype"][0] == {"subtype": "equipment_running", "name": "设备运行 Equipment running",
                                         "complaints": 2, "justified": 2}
    # the lift: the complaint of the 3rd and the repair of the 20th in November, September's repair
    assert content["repeat_failures"] == [{"building_id": str(november["building"]), "common_area": "电梯",
                                           "place": "1栋 电梯", "in_month": 2, "in_90_days": 3, "complaints": 1}]
    workbook = client.get("/api/v1/reports/monthly", headers=auth(), query_string={
        "estate_id": str(november["a"]), "period": "2026-11", "format": "xlsx"})
    sheets = load_workbook(io.BytesIO(workbook.data))
    causes = [row for row in sheets["根本原因 Root causes"].iter_rows(values_only=True)]
    assert causes[1] == ("维护保养不到位 Maintenance lapse", 2, 2)
    summary = dict(row for row in sheets["概况 Summary"].iter_rows(values_only=True))
    assert summary["有效投诉占比 Justified share"] == 0.6667
