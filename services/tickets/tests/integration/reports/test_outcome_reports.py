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
from tickets.tables import buildings, complaint_outcomes, departments, equipment

NOV = {"from": "2026-11-01", "to": "2026-11-30"}


def at(month: int, day: int, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def november(db, make_estate, make_ticket) -> dict[str, Any]:
    """Five complaints of November with outcomes (three reviewed: two justified; two held against the
    registered 工程部, one against 财务部, which the register lacks), one without; the lift typed as
    "电梯" in building 1 failing three times (twice in November), the registered lift L2-1 three
    times (twice in November, one of them a complaint that typed "电梯" too), the gate and the
    registered pump once each."""
    a = make_estate("阳光花园", "SUN")
    building, eng, lift, pump = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with db.begin() as conn:
        conn.execute(insert(buildings).values(id=building, estate_id=a, code="1", name="1栋", version=1))
        conn.execute(insert(departments).values(id=eng, estate_id=a, code="eng", name="工程部", supervisor_id=None,
                                                members=[], active=True, version=1))
        conn.execute(insert(equipment), [
            {"id": lift, "estate_id": a, "building_id": building, "kind": "lift", "identifier": "L2-1",
             "name": "2号电梯", "location": "", "active": True, "version": 1},
            {"id": pump, "estate_id": a, "building_id": None, "kind": "pump", "identifier": "P-1",
             "name": "生活水泵", "location": "泵房", "active": True, "version": 1}])

    def complaint(day: int, klass: str, outcome: dict[str, Any] | None, **values: Any) -> uuid.UUID:
        ticket = make_ticket(a, created_at=at(11, day), complaint_class=klass, **values)
        if outcome is not None:
            with db.begin() as conn:
                conn.execute(insert(complaint_outcomes).values(
                    ticket_id=ticket, estate_id=a, updated_by="test", updated_at=at(11, day), version=1, **outcome))
        return ticket

    complaint(3, "facilities", {"subtype": "equipment_running", "root_cause": "maintenance_lapse",
                                "responsible_department_id": eng, "justified": True},
              common_area="电梯", building_id=building)
    complaint(5, "facilities", {"subtype": "equipment_running", "root_cause": "maintenance_lapse",
                                "responsible_department_id": eng, "justified": True, "media_involved": True})
    complaint(8, "fees", {"subtype": "shared_charges", "root_cause": "fee_dispute", "responsible_department": "财务部",
                          "justified": False, "legal_referral": True})
    complaint(9, "management", {"subtype": "attitude", "root_cause": "staff_attitude"}, quality_aspect="attitude")
    complaint(10, "emergency", None)
    complaint(11, "facilities", {"root_cause": "maintenance_lapse"}, stage="merged")  # a duplicate: not counted
    make_ticket(a, created_at=at(11, 20), kind="repair", common_area="电梯", building_id=building, category="lift",
                department_id=eng)
    make_ticket(a, created_at=at(9, 20), kind="repair", common_area="电梯", building_id=building, category="lift")
    make_ticket(a, created_at=at(11, 21), kind="repair", common_area="大门", category="gate")
    make_ticket(a, created_at=at(11, 22), kind="complaint", complaint_class="management", quality_aspect="attitude",
                common_area="大门")  # a management complaint is no failure of the gate
    make_ticket(a, created_at=at(10, 30), kind="repair", equipment_id=lift, building_id=building, department_id=eng)
    make_ticket(a, created_at=at(11, 12), kind="repair", equipment_id=lift, building_id=building, department_id=eng)
    complaint(14, "facilities", None, equipment_id=lift, building_id=building, common_area="电梯")
    make_ticket(a, created_at=at(11, 16), kind="repair", equipment_id=pump, department_id=eng)
    return {"a": a, "building": building, "eng": eng, "lift": lift}


def test_the_ticket_report_groups_by_the_outcome(client, auth, november) -> None:
    rows = client.get("/api/v1/reports/tickets", headers=auth(), query_string={
        **NOV, "group_by": "root_cause,justified", "estate_id": str(november["a"])}).json["rows"]
    found = {(r["root_cause"], r["justified"]): (r["tickets"], r["root_cause_name"], r["justified_name"])
             for r in rows}
    assert found[("maintenance_lapse", True)] == (2, "维护保养不到位 Maintenance lapse", "有效投诉 Justified")
    assert found[("fee_dispute", False)][0] == 1 and found[("staff_attitude", None)][0] == 1
    # the emergency and the lift's complaint without an outcome, the five repairs, the gate's complaint
    assert found[(None, None)][0] == 7
    by_department = client.get("/api/v1/reports/tickets", headers=auth(), query_string={
        **NOV, "group_by": "responsible_department", "estate_id": str(november["a"])}).json["rows"]
    assert {(r["responsible_department"], r["responsible_department_name"]): r["tickets"] for r in by_department} == {
        (str(november["eng"]), "工程部"): 2, ("财务部", "财务部"): 1, (None, "无 None"): 9}
    as_csv = client.get("/api/v1/reports/tickets", headers=auth(), query_string={
        **NOV, "group_by": "responsible_department", "format": "csv"})
    assert as_csv.status_code == 200 and "工程部" in as_csv.get_data(as_text=True)
    media = client.get("/api/v1/reports/tickets", headers=auth(), query_string={**NOV, "group_by": "media_involved"})
    assert {r["media_involved"]: r["tickets"] for r in media.json["rows"]}[True] == 1


def test_the_monthly_analysis_learns_from_the_outcomes(client, db, auth, november) -> None:
    uow = SERVICE.unit_of_work(sessionmaker(db, expire_on_commit=False))
    content = generate(uow, november["a"], "2026-11", at(12, 2))["content"]
    outcomes = content["outcomes"]
    # counted: the five complaints of the month, the management one at the gate and the lift's (not the merged one)
    assert content["totals"]["complaints"] == 7
    assert (outcomes["recorded"], outcomes["reviewed"], outcomes["justified"], outcomes["not_justified"]) == (
        4, 3, 2, 1)
    assert outcomes["justified_share"] == 0.6667
    assert (outcomes["media_involved"], outcomes["legal_referral"]) == (1, 1)
    assert [(r["root_cause"], r["complaints"], r["justified"]) for r in outcomes["top_root_causes"]] == [
        ("maintenance_lapse", 2, 2), ("fee_dispute", 1, 0), ("staff_attitude", 1, 0)]
    assert [(r["name"], r["responsible_department_id"], r["complaints"]) for r in outcomes["by_department"]] == [
        ("工程部", str(november["eng"]), 2), ("财务部", None, 1), ("无 None", None, 1)]
    assert outcomes["by_subtype"][0] == {"subtype": "equipment_running", "name": "设备运行 Equipment running",
                                         "complaints": 2, "justified": 2}
    # the registered lift L2-1: the repair of the 12th and the complaint of the 14th (counted by the item,
    # not as the "电梯" it typed), October's repair; the lift typed "电梯": the complaint of the 3rd and
    # the repair of the 20th in November, September's repair; the gate and the pump once each
    building = str(november["building"])
    assert content["repeat_failures"] == [
        {"equipment_id": str(november["lift"]), "identifier": "L2-1", "kind": "lift", "building_id": building,
         "common_area": "L2-1 2号电梯", "place": "1栋 L2-1 2号电梯", "in_month": 2, "in_90_days": 3, "complaints": 1},
        {"equipment_id": None, "identifier": None, "kind": None, "building_id": building, "common_area": "电梯",
         "place": "1栋 电梯", "in_month": 2, "in_90_days": 3, "complaints": 1}]
    # of November's four failures there: 工程部's repairs of the 12th (L2-1) and the 20th (电梯); the two
    # complaints went to no department (the pump's repair by 工程部 is no repeat)
    assert content["repeat_failures_by_department"] == [
        {"department_id": str(november["eng"]), "name": "工程部", "failures": 2, "places": 2},
        {"department_id": None, "name": "无 None", "failures": 2, "places": 2}]
    workbook = client.get("/api/v1/reports/monthly", headers=auth(), query_string={
        "estate_id": str(november["a"]), "period": "2026-11", "format": "xlsx"})
    sheets = load_workbook(io.BytesIO(workbook.data))
    causes = [row for row in sheets["根本原因 Root causes"].iter_rows(values_only=True)]
    assert causes[1] == ("维护保养不到位 Maintenance lapse", 2, 2)
    summary = dict(row for row in sheets["概况 Summary"].iter_rows(values_only=True))
    assert summary["有效投诉占比 Justified share"] == 0.6667
