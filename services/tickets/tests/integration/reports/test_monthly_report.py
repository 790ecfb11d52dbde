"""The monthly complaint statistics and analysis report: its figures, made once on schedule even by
racing timers, on demand, read and exported, scoped; on both databases."""

from __future__ import annotations

import io
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select
from sqlalchemy.orm import sessionmaker

from tickets.events import MONTHLY_REPORT_GENERATED
from tickets.reports.use_cases import generate_due
from tickets.service import SERVICE
from tickets.tables import calendars, categories, monthly_reports, outbox, people, units

SCHEMA = json.loads((Path(__file__).parents[3] / "contracts" / "events" /
                     f"{MONTHLY_REPORT_GENERATED}.json").read_text())
# 00:30 on 1 December in Shanghai: November's report is due
DECEMBER_1ST = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
URL = "/api/v1/reports/monthly"


def at(month: int, day: int, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@pytest.fixture
def uow_factory(db):  # noqa: ANN001, ANN201
    sessions = sessionmaker(db, expire_on_commit=False)
    return lambda: SERVICE.unit_of_work(sessions)


@pytest.fixture
def november(db, make_estate, make_row, make_ticket, make_deadline) -> dict:
    """Estate A's complaints of November 2026 (and before), and one of estate B."""
    a, b = make_estate("阳光花园", "SUN"), make_estate("月亮湾", "MOON")
    p1, p2, p3, p4 = (make_row(people, estate_id=a, name=n) for n in ("王小明", "李华", "张三", "赵四"))
    u1 = make_row(units, estate_id=a, number="1-101")
    u2 = make_row(units, estate_id=a, number="2-202")
    with db.begin() as conn:
        conn.execute(insert(categories).values(id=uuid.uuid4(), estate_id=None, kind="complaint", code="lift",
                                               name_zh="电梯", name_en="Lift"))
    c1 = make_ticket(a, created_at=at(11, 3), complaint_class="facilities", category="lift", person_id=p1, unit_id=u1,
                     stage="archived", resolved_at=at(11, 3, 5), arrived_at=at(11, 3, 3), evaluation_score=5)
    c2 = make_ticket(a, created_at=at(11, 12), complaint_class="facilities", category="lift", person_id=p1,
                     unit_id=u1, stage="evaluated", evaluation_score=2)
    make_ticket(a, created_at=at(11, 14), complaint_class="management", quality_aspect="attitude", category="staff",
                person_id=p2, unit_id=u2, stage="resolved", promised_by=at(11, 20), resolved_at=at(11, 19))
    make_ticket(a, created_at=at(11, 15), complaint_class="fees", person_id=p3, stage="escalated",
                promised_by=at(11, 25))
    make_ticket(a, created_at=at(11, 16), complaint_class="facilities", person_id=p1, stage="merged")
    make_ticket(a, created_at=at(11, 17), complaint_class="fees", person_id=p3, stage="cancelled")
    make_ticket(a, created_at=at(11, 18), kind="repair", person_id=p3, unit_id=u1)
    # before November: October's two (one promised for 5 November, resolved on the 8th), September's
    # one of p2 at u2, August's two of p4
    make_ticket(a, created_at=at(10, 20), complaint_class="fees", person_id=p4, stage="resolved",
                promised_by=at(11, 5), resolved_at=at(11, 8))
    make_ticket(a, created_at=at(10, 21), complaint_class="fees")
    make_ticket(a, created_at=at(9, 15), complaint_class="management", person_id=p2, unit_id=u2)
    make_ticket(a, created_at=at(8, 10), complaint_class="fees", person_id=p4)
    make_ticket(a, created_at=at(8, 11), complaint_class="fees", person_id=p4)
    make_ticket(b, created_at=at(11, 5), complaint_class="facilities")
    for target in ("acknowledge", "arrive", "resolve"):
        make_deadline(c1, a, target, "met")
    make_deadline(c2, a, "arrive", "missed")
    make_deadline(c2, a, "resolve", "running")
    return {"a": a, "b": b, "p1": p1, "p2": p2, "u1": u1, "u2": u2}


def reports(db) -> dict:  # noqa: ANN001
    with db.connect() as conn:
        return {(r.estate_id, r.period): r for r in conn.execute(select(monthly_reports))}


def announced(db) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body).where(outbox.table.c.event_type == MONTHLY_REPORT_GENERATED))
        return [json.loads(body)["data"] for body in bodies.scalars()]


def test_the_report_of_november(db, uow_factory, november) -> None:
    e = november
    assert generate_due(uow_factory, DECEMBER_1ST) == 2
    content = reports(db)[(e["a"], "2026-11")].content
    assert content["estate_name"] == "阳光花园" and content["timezone"] == "Asia/Shanghai"
    totals = content["totals"]
    assert (totals["complaints"], totals["resolved"], totals["unresolved"], totals["merged"], totals["cancelled"]) == (
        4, 2, 2, 1, 1)
    assert totals["avg_arrive_seconds"] == 3600.0 and totals["avg_resolve_seconds"] == (3 * 3600 + 5 * 86400) / 2
    assert {r["complaint_class"]: r["complaints"] for r in content["by_class"]} == {
        "facilities": 2, "management": 1, "fees": 1}
    assert [(r["quality_aspect"], r["name"], r["complaints"]) for r in content["by_quality_aspect"]] == [
        ("attitude", "服务态度 Attitude", 1)]
    assert [(r["category"], r["name"], r["complaints"]) for r in content["top_causes"]] == [
        ("lift", "电梯 Lift", 2), ("staff", "staff", 1), (None, "无 None", 1)]
    assert {(r["name"], r["in_month"], r["in_90_days"]) for r in content["repeat_complainants"]} == {
        ("王小明", 2, 2), ("李华", 1, 2)}  # merged and cancelled ones do not count; nor August's alone
    assert {(r["unit_id"], r["in_month"], r["in_90_days"]) for r in content["repeat_units"]} == {
        (str(e["u1"]), 2, 2), (str(e["u2"]), 1, 2)}
    assert {s["target"]: (s["met"], s["breached"], s["compliance"]) for s in content["sla"]} == {
        "acknowledge": (1, 0, 1.0), "arrive": (1, 1, 0.5), "resolve": (1, 0, 1.0)}
    assert content["sla_compliance"] == 0.75
    assert content["promises"] == {"due": 3, "kept": 1, "broken": 2, "pending": 0, "kept_rate": 0.3333}
    evaluations = content["evaluations"]
    assert (evaluations["count"], evaluations["average"], evaluations["satisfied_rate"]) == (2, 3.5, 0.5)
    assert evaluations["by_score"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert [(m["period"], m["complaints"]) for m in content["trend"]] == [
        ("2026-05", 0), ("2026-06", 0), ("2026-07", 0), ("2026-08", 2), ("2026-09", 1), ("2026-10", 2), ("2026-11", 4)]
    assert content["trend"][-1]["sla_compliance"] == 0.75 and content["trend"][-1]["evaluation_average"] == 3.5
    assert content["versus_previous"] == {"3": {"average_complaints": 1.67, "change_percent": 140.0},
                                          "6": {"average_complaints": 0.83, "change_percent": 380.0}}
    assert reports(db)[(e["b"], "2026-11")].content["totals"]["complaints"] == 1


def test_made_once_and_announced_once(db, uow_factory, november) -> None:
    e = november
    assert generate_due(uow_factory, DECEMBER_1ST) == 2
    assert generate_due(uow_factory, DECEMBER_1ST + timedelta(days=3)) == 0
    events = announced(db)
    assert sorted((d["estate_id"], d["period"], d["trigger"]) for d in events) == sorted(
        [(str(e["a"]), "2026-11", "schedule"), (str(e["b"]), "2026-11", "schedule")])
    for data in events:
        jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    for example in SCHEMA["examples"]:
        jsonschema.validate(example, SCHEMA)
    assert next(d for d in events if d["estate_id"] == str(e["a"]))["summary"]["complaints"] == 4


def test_due_on_the_first_in_the_estates_time_zone(db, uow_factory, november) -> None:
    e = november
    with db.begin() as conn:  # estate B keeps Urumqi's time (UTC+6)
        conn.execute(insert(calendars).values(id=uuid.uuid4(), estate_id=e["b"], timezone="Asia/Urumqi", week={}))
    # 23:59 on 30 November in Shanghai: October's reports are due, not November's
    assert generate_due(uow_factory, datetime(2026, 11, 30, 15, 59, tzinfo=UTC)) == 2
    assert set(reports(db)) == {(e["a"], "2026-10"), (e["b"], "2026-10")}
    # 01:00 on 1 December in Shanghai is 23:00 on 30 November in Urumqi
    assert generate_due(uow_factory, datetime(2026, 11, 30, 17, 0, tzinfo=UTC)) == 1
    assert (e["a"], "2026-11") in reports(db) and (e["b"], "2026-11") not in reports(db)
    assert generate_due(uow_factory, datetime(2026, 11, 30, 18, 0, tzinfo=UTC)) == 1
    assert reports(db)[(e["b"], "2026-11")].content["timezone"] == "Asia/Urumqi"


def test_a_replica_that_loses_the_race_makes_nothing(db, uow_factory, november) -> None:
    """Another timer stores the first estate's report after this one looked and before it inserts:
    this one skips it (the unique constraint), announces nothing for it, and makes the other's."""
    e, calls = november, []
    first, second = sorted((e["a"], e["b"]), key=str)  # the order generate_due goes in

    def racing_factory():  # noqa: ANN202
        calls.append(1)
        if len(calls) == 2:  # the first generate(): the other replica commits its report now
            with db.begin() as conn:
                conn.execute(insert(monthly_reports).values(id=uuid.uuid4(), estate_id=first, period="2026-11",
                                                            generated_at=DECEMBER_1ST, content={"other": True}))
        return uow_factory()

    assert generate_due(racing_factory, DECEMBER_1ST) == 1
    assert reports(db)[(first, "2026-11")].content == {"other": True}
    assert [d["estate_id"] for d in announced(db)] == [str(second)]


def test_timers_racing_for_real_make_each_report_once(db, uow_factory, november) -> None:
    results: list[int] = []
    start = threading.Barrier(3)

    def sweep() -> None:
        start.wait()
        results.append(generate_due(uow_factory, DECEMBER_1ST))

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 2
    assert len(reports(db)) == 2 and len(announced(db)) == 2


def test_on_demand_then_409_or_regenerated(client, db, auth, november) -> None:
    e = november
    desk = auth("estate_manager", [e["a"]])
    made = client.post(URL, json={"estate_id": str(e["a"]), "period": "2026-11"}, headers=desk)
    assert made.status_code == 201, made.json
    assert made.json["content"]["totals"]["complaints"] == 4
    again = client.post(URL, json={"estate_id": str(e["a"]), "period": "2026-11"}, headers=desk)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    redone = client.post(URL, json={"estate_id": str(e["a"]), "period": "2026-11", "regenerate": True}, headers=desk)
    assert redone.status_code == 201 and redone.json["id"] == made.json["id"]
    assert [(d["trigger"], d["regenerated"]) for d in announced(db)] == [("demand", False), ("demand", True)]
    assert len(reports(db)) == 1


@pytest.mark.parametrize("body", [{"period": "2026-12"}, {"period": "2030-01"}, {"period": "2026-13"},
                                  {"period": "11/2026"}, {"period": None}, {"period": "0000-01"},
                                  {"period": "9999-12"}])
def test_a_month_not_ended_or_malformed_is_422(client, db, auth, make_estate, body: dict) -> None:
    answer = client.post(URL, json={"estate_id": str(make_estate()), **body}, headers=auth())
    assert answer.status_code == 422, answer.json
    assert reports(db) == {}


def test_read_and_exported(client, db, auth, uow_factory, november) -> None:
    e = november
    generate_due(uow_factory, DECEMBER_1ST)
    desk = auth("service_desk_agent", [e["a"]])
    query = {"estate_id": str(e["a"]), "period": "2026-11"}
    got = client.get(URL, query_string=query, headers=desk)
    assert got.status_code == 200 and got.json["content"]["sla_compliance"] == 0.75

    table = client.get(URL, query_string={**query, "format": "csv"}, headers=desk)
    assert table.mimetype == "text/csv"
    text = table.data.decode("utf-8-sig")
    assert "投诉总数 Complaints" in text and "王小明" in text and "2026-08" in text

    book = client.get(URL, query_string=query, headers={**desk, "Accept": "application/vnd.openxmlformats-"
                                                                          "officedocument.spreadsheetml.sheet"})
    assert book.status_code == 200
    workbook = load_workbook(io.BytesIO(book.data))
    assert workbook.sheetnames[0] == "概况 Summary"
    summary = {row[0]: row[1] for row in workbook["概况 Summary"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["投诉总数 Complaints"] == 4
    assert len(workbook["趋势 Trend"]._charts) == 1 and len(workbook["类别 By class"]._charts) == 1


def test_another_estates_report_is_404_everywhere(client, db, auth, uow_factory, november) -> None:
    e = november
    generate_due(uow_factory, DECEMBER_1ST)
    theirs = {"estate_id": str(e["b"]), "period": "2026-11"}
    desk = auth("estate_manager", [e["a"]])
    for fmt in ("json", "csv", "xlsx"):
        assert client.get(URL, query_string={**theirs, "format": fmt}, headers=desk).status_code == 404
    assert client.post(URL, json={**theirs, "regenerate": True}, headers=desk).status_code == 404
    missing = {"estate_id": str(e["a"]), "period": "2025-01"}
    assert client.get(URL, query_string=missing, headers=desk).status_code == 404
    assert client.get(URL, query_string={"estate_id": str(uuid.uuid4()), "period": "2026-11"},
                      headers=auth()).status_code == 404
    assert client.get(URL, query_string={**theirs}, headers=auth("technician", [e["b"]])).status_code == 403
    assert len(announced(db)) == 2


def test_a_report_that_fails_does_not_stop_the_others(db, uow_factory, november, monkeypatch) -> None:
    from tickets.reports import use_cases

    e, real = november, use_cases.build_report

    def failing_for_a(conn, estate, period, now):  # noqa: ANN001, ANN202
        if estate["id"] == e["a"]:
            raise RuntimeError("estate A's data cannot be read")
        return real(conn, estate, period, now)

    monkeypatch.setattr(use_cases, "_failed_until", {})
    monkeypatch.setattr(use_cases, "build_report", failing_for_a)
    assert generate_due(uow_factory, DECEMBER_1ST) == 1
    assert set(reports(db)) == {(e["b"], "2026-11")}
    monkeypatch.setattr(use_cases, "build_report", real)
    assert generate_due(uow_factory, DECEMBER_1ST + timedelta(minutes=1)) == 0  # not tried again at once
    assert generate_due(uow_factory, DECEMBER_1ST + timedelta(minutes=6)) == 1
    assert set(reports(db)) == {(e["a"], "2026-11"), (e["b"], "2026-11")}
