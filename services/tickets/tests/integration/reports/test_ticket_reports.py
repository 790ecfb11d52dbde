"""GET /api/v1/reports/tickets: figures grouped as asked, scoped, exported, on both databases."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from tickets.tables import buildings, staff

NOV = {"from": "2026-11-01", "to": "2026-11-30"}
URL = "/api/v1/reports/tickets"


def at(day: int, hour: int = 1, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def estates_with_tickets(make_estate, make_row, make_ticket, make_deadline) -> dict:
    """Estate A: two buildings, a technician, four tickets in November (Shanghai time), one outside;
    estate B: one complaint."""
    a, b = make_estate("阳光花园"), make_estate("月亮湾")
    b1 = make_row(buildings, estate_id=a, code="1", name="1栋")
    b2 = make_row(buildings, estate_id=a, code="2", name="=HYPERLINK(\"http://x\")")
    tech = make_row(staff, estate_id=a, name="李师傅")
    created = at(2)  # 09:00 in Shanghai, 2 November (a Monday)
    t1 = make_ticket(a, created_at=created, building_id=b1, complaint_class="facilities", priority="high",
                     assignee_id=tech, stage="resolved", evaluation_score=5,
                     acknowledged_at=created + timedelta(minutes=10), arrived_at=created + timedelta(minutes=20),
                     resolved_at=created + timedelta(hours=2))
    # 20:00 UTC on the 2nd is 04:00 on the 3rd in Shanghai
    t2 = make_ticket(a, created_at=at(2, 20), building_id=b2, complaint_class="management",
                     quality_aspect="attitude", stage="acknowledged", acknowledged_at=at(2, 20) + timedelta(minutes=30))
    make_ticket(a, created_at=at(10), building_id=b1, kind="repair", priority="low")
    make_ticket(a, created_at=at(31, 17, month=10), complaint_class="fees")  # 1 November, 01:00 in Shanghai
    make_ticket(a, created_at=at(1, 0, month=12), complaint_class="fees")  # 1 December, 08:00 in Shanghai
    t6 = make_ticket(b, created_at=at(5), complaint_class="facilities")
    for target in ("acknowledge", "arrive", "resolve"):
        make_deadline(t1, a, target, "met")
    make_deadline(t2, a, "acknowledge", "missed")
    make_deadline(t2, a, "resolve", "running")
    make_deadline(t6, b, "acknowledge", "missed")
    return {"a": a, "b": b, "b1": b1, "b2": b2, "tech": tech}


def by(rows: list[dict], key: str) -> dict:
    return {row[key]: row for row in rows}


def test_counts_by_kind_over_the_callers_estates(client, auth, estates_with_tickets) -> None:
    e = estates_with_tickets
    every = client.get(URL, query_string={**NOV, "group_by": "kind"}, headers=auth())
    assert every.status_code == 200, every.json
    assert (every.json["from"], every.json["to"], every.json["group_by"], every.json["timezone"]) == (
        "2026-11-01", "2026-11-30", ["kind"], "Asia/Shanghai")
    assert {k: r["tickets"] for k, r in by(every.json["rows"], "kind").items()} == {"complaint": 4, "repair": 1}
    assert by(every.json["rows"], "kind")["complaint"]["kind_name"] == "投诉 Complaint"

    desk = auth("service_desk_agent", [e["a"]])
    mine = client.get(URL, query_string={**NOV, "group_by": "kind"}, headers=desk).json["rows"]
    assert {k: r["tickets"] for k, r in by(mine, "kind").items()} == {"complaint": 3, "repair": 1}
    one = client.get(URL, query_string={**NOV, "group_by": "kind", "estate_id": str(e["a"])}, headers=auth()).json
    assert {k: r["tickets"] for k, r in by(one["rows"], "kind").items()} == {"complaint": 3, "repair": 1}


def test_another_estate_is_404_in_the_report_and_its_exports(client, auth, estates_with_tickets) -> None:
    e = estates_with_tickets
    desk = auth("estate_manager", [e["a"]])
    for fmt in ("json", "csv", "xlsx"):
        answer = client.get(URL, query_string={**NOV, "estate_id": str(e["b"]), "format": fmt}, headers=desk)
        assert answer.status_code == 404, fmt
    assert client.get(URL, query_string={"estate_id": str(uuid.uuid4())}, headers=auth()).status_code == 404
    assert client.get(URL, headers=auth("technician", [e["a"]])).status_code == 403


def test_periods_are_counted_in_the_estates_time_zone(client, auth, estates_with_tickets) -> None:
    e = estates_with_tickets
    desk = auth("service_desk_agent", [e["a"]])
    days = client.get(URL, query_string={**NOV, "group_by": "day"}, headers=desk).json["rows"]
    assert {d: r["tickets"] for d, r in by(days, "day").items()} == {
        "2026-11-01": 1, "2026-11-02": 1, "2026-11-03": 1, "2026-11-10": 1}
    weeks = client.get(URL, query_string={**NOV, "group_by": "week"}, headers=desk).json["rows"]
    assert {w: r["tickets"] for w, r in by(weeks, "week").items()} == {"2026-10-26": 1, "2026-11-02": 2,
                                                                       "2026-11-09": 1}
    months = client.get(URL, query_string={"from": "2026-10-01", "to": "2026-12-31", "group_by": "month"},
                        headers=desk).json["rows"]
    assert {m: r["tickets"] for m, r in by(months, "month").items()} == {"2026-11": 4, "2026-12": 1}
    utc = client.get(URL, query_string={**NOV, "group_by": "month", "timezone": "UTC"}, headers=desk).json["rows"]
    assert [r["tickets"] for r in utc] == [3]  # in UTC, 31 October's and 2 December's fall outside


def test_durations_and_sla_compliance(client, auth, estates_with_tickets) -> None:
    e = estates_with_tickets
    rows = client.get(URL, query_string={**NOV, "group_by": "complaint_class,quality_aspect"},
                      headers=auth("service_desk_agent", [e["a"]])).json["rows"]
    facilities = by(rows, "complaint_class")["facilities"]
    assert (facilities["avg_acknowledge_seconds"], facilities["avg_arrive_seconds"],
            facilities["avg_resolve_seconds"]) == (600.0, 1200.0, 7200.0)
    assert (facilities["sla_met"], facilities["sla_breached"], facilities["sla_compliance"]) == (3, 0, 1.0)
    assert facilities["evaluation_average"] == 5.0 and facilities["resolved"] == 1 and facilities["open"] == 0
    management = by(rows, "complaint_class")["management"]
    assert management["quality_aspect_name"] == "服务态度 Attitude"
    assert (management["acknowledge_met"], management["acknowledge_breached"]) == (0, 1)
    assert (management["sla_compliance"], management["avg_arrive_seconds"], management["open"]) == (0.0, None, 1)


def test_groups_are_named_buildings_staff_estates(client, auth, estates_with_tickets) -> None:
    e = estates_with_tickets
    rows = client.get(URL, query_string={**NOV, "group_by": "estate,building,assignee"}, headers=auth()).json["rows"]
    named = {(r["estate"], r["building"], r["assignee"]): r["tickets"] for r in rows}
    assert named == {("阳光花园", "1栋", "李师傅"): 1, ("阳光花园", "1栋", "无 None"): 1,
                     ("阳光花园", '=HYPERLINK("http://x")', "无 None"): 1, ("阳光花园", "无 None", "无 None"): 1,
                     ("月亮湾", "无 None", "无 None"): 1}
    total = client.get(URL, query_string=NOV, headers=auth("service_desk_agent", [e["a"]])).json["rows"]
    assert [r["tickets"] for r in total] == [4]


def test_csv_export_neutralises_formulas(client, auth, estates_with_tickets) -> None:
    e = estates_with_tickets
    answer = client.get(URL, query_string={**NOV, "group_by": "building"},
                        headers={**auth("service_desk_agent", [e["a"]]), "Accept": "text/csv"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    table = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert table[0][:2] == ["楼栋 Building", "工单数 Tickets"]
    assert sorted((row[0], row[1]) for row in table[1:]) == [("'=HYPERLINK(\"http://x\")", "1"), ("1栋", "2"),
                                                             ("无 None", "1")]


def test_xlsx_export_has_the_table_and_a_chart(client, auth, estates_with_tickets) -> None:
    e = estates_with_tickets
    answer = client.get(URL, query_string={**NOV, "group_by": "building,kind", "format": "xlsx"},
                        headers=auth("service_desk_agent", [e["a"]]))
    assert answer.status_code == 200
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("分组 Group", "楼栋 Building", "类型 Kind", "工单数 Tickets")
    assert ("'=HYPERLINK(\"http://x\") / 投诉 Complaint", "'=HYPERLINK(\"http://x\")", "投诉 Complaint", 1) in [
        r[:4] for r in rows]
    assert len(sheet._charts) == 1


@pytest.mark.parametrize("query", [{"group_by": "colour"}, {"group_by": "kind,kind"}, {"group_by": "day,month"},
                                   {"from": "2026-11-30", "to": "2026-11-01"},
                                   {"from": "2020-01-01", "to": "2026-01-01"},
                                   {"timezone": "../../etc/passwd"}, {"timezone": "Mars/Olympus"}, {"format": "pdf"},
                                   {"from": "yesterday"}, {"estate_id": "not-a-uuid"},
                                   {"from": "0001-01-01", "to": "0001-01-02"}, {"to": "9999-12-31"},
                                   {"from": "2999-01-01"}])
def test_bad_queries_are_422(client, auth, db, query: dict) -> None:
    answer = client.get(URL, query_string=query, headers=auth())
    assert answer.status_code == 422, answer.json
    assert answer.mimetype == "application/problem+json"
