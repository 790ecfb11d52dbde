"""Call statistics (TKT-4, TKT-9) checked against a generated month of calls whose answers the test
works out by itself: by estate, desk line and staff member; answered within three rings exactly at
the boundary (17.999 s in, 18 s out with 6-second rings; 30 s with 10-second rings); time to answer
p50/p90 by the nearest rank; missed and abandoned rates; callbacks kept; as CSV and XLSX; and the
figure in the monthly complaint report. Another estate's calls never count, and naming it is 404."""

from __future__ import annotations

import csv
import io
import math
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert

from tickets.tables import callbacks, calls, desk_lines

NOV = datetime(2026, 11, 5, 1, 0, tzinfo=UTC)
SINCE, UNTIL = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)
# Answer times at and around every ring boundary (6 s rings), and a long one.
BOUNDARIES = (0, 5999, 6000, 11999, 12000, 17999, 18000, 18001, 29999, 30000, 95000)


def nearest(ordered: list[int], percent: int) -> float | None:
    return None if not ordered else ordered[math.ceil(percent / 100 * len(ordered)) - 1] / 1000


def generate(db, place: dict[str, Any], other_place: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """A month of calls on two lines of the place (and some of another estate), and callbacks."""
    chance = random.Random(20)
    lines = [uuid.uuid4(), uuid.uuid4()]
    with db.begin() as conn:
        conn.execute(insert(desk_lines), [
            {"id": lines[0], "estate_id": place["estate"], "number": "075588880001", "extension": "",
             "staff_id": place["agent"]},
            {"id": lines[1], "estate_id": place["estate"], "number": "075588880001", "extension": "2",
             "staff_id": place["supervisor"]}])
    rows = []
    for n in range(240):
        estate = other_place if n % 12 == 11 else place
        line = None if estate is other_place else lines[n % 2]
        direction = "outbound" if n % 10 == 3 else "inbound"
        outcome = chance.choice(("answered", "answered", "answered", "missed", "abandoned", "voicemail"))
        answer = (BOUNDARIES[n % len(BOUNDARIES)] if n < 60 else chance.randint(0, 40000)) if outcome == "answered" \
            else None
        ring = NOV + timedelta(hours=n * 2, seconds=chance.randint(0, 59))
        rows.append({"id": uuid.uuid4(), "estate_id": estate["estate"], "direction": direction, "number": "13812345678",
                     "desk_line_id": line, "staff_id": None if line is None else (place["agent"], place["supervisor"])[
                         n % 2], "source": "call_centre", "ring_started_at": ring,
                     "answered_at": None if answer is None else ring + timedelta(milliseconds=answer),
                     "answer_ms": answer, "outcome": outcome, "created_by": "test", "created_at": ring,
                     "updated_at": ring})
    backs = []
    for n, (state, kept) in enumerate((("done", True), ("done", True), ("done", False), ("open", None),
                                       ("cancelled", None), ("done", True))):
        due = NOV + timedelta(days=n)
        backs.append({"id": uuid.uuid4(), "estate_id": place["estate"], "number": "13812345678",
                      "assignee_id": (place["agent"], place["supervisor"])[n % 2], "state": state, "due_at": due,
                      "warn_at": due, "kept": kept, "done_at": due if state == "done" else None,
                      "call_id": rows[n * 2]["id"] if rows[n * 2]["estate_id"] == place["estate"] else None,
                      "created_by": "test", "created_at": NOV, "updated_at": NOV})
    with db.begin() as conn:
        conn.execute(insert(calls), rows)
        conn.execute(insert(callbacks), backs)
    return rows, backs


def expected(rows: list[dict], backs: list[dict], group: Any, ring_ms: int = 6000) -> dict[str, Any]:
    """The figures of the calls and callbacks ``group`` picks, worked out plainly."""
    mine = [r for r in rows if group(r)]
    inbound = [r for r in mine if r["direction"] == "inbound"]
    answered = sorted(r["answer_ms"] for r in inbound if r["outcome"] == "answered")
    due = [b for b in backs if group(b) and b["state"] != "cancelled"]
    kept = [b for b in due if b["kept"]]

    def share(part: int, whole: int) -> float | None:
        return None if whole == 0 else round(part / whole, 4)

    count = {o: sum(1 for r in inbound if r["outcome"] == o) for o in ("missed", "abandoned", "voicemail")}
    within = sum(1 for ms in answered if ms < 3 * ring_ms)
    return {"calls": len(mine), "inbound": len(inbound), "outbound": len(mine) - len(inbound),
            "answered": len(answered), "within_three_rings": within, "three_rings_rate": share(within, len(inbound)),
            "answer_p50_seconds": nearest(answered, 50), "answer_p90_seconds": nearest(answered, 90), **count,
            "missed_rate": share(count["missed"], len(inbound)),
            "abandoned_rate": share(count["abandoned"], len(inbound)),
            "callbacks_due": len(due), "callbacks_kept": len(kept), "callbacks_kept_rate": share(len(kept), len(due))}


def statistics(client, headers, **args: Any) -> dict[str, Any]:
    query = {"since": SINCE.isoformat(), "until": UNTIL.isoformat(), **args}
    answer = client.get("/api/v1/calls/statistics", headers=headers, query_string=query)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def figures_of(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("key", "name")}


def test_figures_by_estate_line_and_staff_match_the_known_answers(client, auth, db, place, other_place) -> None:
    rows, backs = generate(db, place, other_place)
    desk = auth("service_desk_agent", [place["estate"]])
    [estate] = statistics(client, desk)["rows"]  # the other estate's calls are not the caller's
    assert estate["key"] == str(place["estate"]) and estate["name"] == "SUN SUN 花园"
    assert figures_of(estate) == expected(rows, backs, lambda r: r["estate_id"] == place["estate"])
    line_of = {b["id"]: next((r["desk_line_id"] for r in rows if r["id"] == b["call_id"]), None) for b in backs}
    by_line = statistics(client, desk, by="desk_line")["rows"]
    for row in by_line:
        key = None if row["key"] is None else uuid.UUID(row["key"])
        assert figures_of(row) == expected(
            [r for r in rows if r["estate_id"] == place["estate"]],
            [{**b, "desk_line_id": line_of[b["id"]]} for b in backs], lambda r, key=key: r.get("desk_line_id") == key)
    assert {row["name"] for row in by_line} >= {"075588880001", "075588880001-2"}
    for row in statistics(client, desk, by="staff")["rows"]:
        key = None if row["key"] is None else uuid.UUID(row["key"])
        assert figures_of(row) == expected([r for r in rows if r["estate_id"] == place["estate"]],
                                           [{**b, "staff_id": b["assignee_id"]} for b in backs],
                                           lambda r, key=key: r.get("staff_id") == key)


def test_three_rings_end_exactly_at_three_ring_lengths(client, auth, db, place, other_place) -> None:
    agent = auth("service_desk_agent", [place["estate"]])
    for answer_seconds in (17.999, 18.0, 29.999, 30.0):
        ring = NOV + timedelta(minutes=answer_seconds)
        made = client.post("/api/v1/calls", headers=agent, json={
            "estate_id": str(place["estate"]), "direction": "inbound", "number": "13812345678", "outcome": "answered",
            "ring_started_at": ring.isoformat(), "answered_at": (ring + timedelta(seconds=answer_seconds)).isoformat()})
        assert made.status_code == 201
    [six] = statistics(client, agent)["rows"]
    assert (six["within_three_rings"], six["answered"]) == (1, 4)
    assert six["answer_p50_seconds"] == 18.0 and six["answer_p90_seconds"] == 30.0
    [ten] = statistics(client, agent, ring_seconds=10)["rows"]
    assert ten["within_three_rings"] == 3 and ten["three_rings_rate"] == 0.75


def test_csv_and_xlsx_hold_the_same_figures(client, auth, db, place, other_place) -> None:
    rows, backs = generate(db, place, other_place)
    desk = auth("service_desk_agent", [place["estate"]])
    want = expected(rows, backs, lambda r: r["estate_id"] == place["estate"])
    answer = client.get("/api/v1/calls/statistics", headers=desk, query_string={
        "since": SINCE.isoformat(), "until": UNTIL.isoformat(), "format": "csv"})
    assert answer.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))  # a BOM for Excel
    assert table[0][:3] == ["小区 Estate", "通话数 Calls", "来电 Inbound"]
    assert table[1][1:4] == [str(want["calls"]), str(want["inbound"]), str(want["outbound"])]
    workbook = client.get("/api/v1/calls/statistics", headers=desk, query_string={
        "since": SINCE.isoformat(), "until": UNTIL.isoformat(), "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.get_data())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][1] == want["calls"] and values[1][5] == want["within_three_rings"]


def test_the_monthly_complaint_report_has_the_months_phone_figures(client, auth, db, place, other_place) -> None:
    rows, backs = generate(db, place, other_place)
    manager = auth("estate_manager", [place["estate"]])
    made = client.post("/api/v1/reports/monthly", headers=manager,
                       json={"estate_id": str(place["estate"]), "period": "2026-11"})
    assert made.status_code == 201, made.get_json()
    start, end = datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC)  # Shanghai's November
    in_month = [r for r in rows if r["estate_id"] == place["estate"] and start <= r["ring_started_at"] < end]
    assert made.get_json()["content"]["calls"] == {**expected(in_month, backs, lambda r: True), "ring_seconds": 6.0}
    summary = client.get(f"/api/v1/reports/monthly?estate_id={place['estate']}&period=2026-11&format=csv",
                         headers=manager).get_data(as_text=True)
    assert "三声内接听率 Answered within three rings" in summary


def test_an_estates_own_ring_length_counts_its_three_rings_in_statistics_and_report(client, auth, db, place,
                                                                                    other_place) -> None:
    rows, backs = generate(db, place, other_place)
    manager, agent = auth("estate_manager", [place["estate"]]), auth("service_desk_agent", [place["estate"]])
    url = f"/api/v1/calls/phone-settings/{place['estate']}"
    assert client.get(url, headers=agent).get_json() == {"estate_id": str(place["estate"]), "ring_seconds": 6.0,
                                                         "version": 0}
    assert client.put(url, headers=agent, json={"ring_seconds": 10}).status_code == 403
    refused = client.put(url, headers={**manager, "Accept-Language": "zh-CN"}, json={"ring_seconds": 0.5})
    assert refused.status_code == 422 and "ring_seconds" in refused.get_json()["errors"]["json"]
    assert client.put(url, headers=manager, json={"ring_seconds": 10}).get_json()["version"] == 1
    assert client.put(url, headers=manager, json={"ring_seconds": 10}).get_json()["ring_seconds"] == 10.0
    ours = lambda r: r["estate_id"] == place["estate"]  # noqa: E731
    answer = statistics(client, agent, estate_id=str(place["estate"]))
    assert answer["ring_seconds"] == 10.0
    assert figures_of(answer["rows"][0]) == expected(rows, backs, ours, ring_ms=10000)
    assert expected(rows, backs, ours, ring_ms=10000) != expected(rows, backs, ours)  # the boundaries differ
    assert statistics(client, agent, estate_id=str(place["estate"]), ring_seconds=6)["ring_seconds"] == 6.0
    assert statistics(client, agent)["ring_seconds"] == 6.0  # no estate named: the default
    made = client.post("/api/v1/reports/monthly", headers=manager,
                       json={"estate_id": str(place["estate"]), "period": "2026-11"}).get_json()
    start, end = datetime(2026, 10, 31, 16, tzinfo=UTC), datetime(2026, 11, 30, 16, tzinfo=UTC)
    in_month = [r for r in rows if ours(r) and start <= r["ring_started_at"] < end]
    assert made["content"]["calls"] == {**expected(in_month, backs, lambda r: True, ring_ms=10000),
                                        "ring_seconds": 10.0}
    theirs = f"/api/v1/calls/phone-settings/{other_place['estate']}"
    assert client.get(theirs, headers=manager).status_code == 404
    assert client.put(theirs, headers=manager, json={"ring_seconds": 8}).status_code == 404


@pytest.mark.parametrize("query", [{"estate_id": "other"}, {"until": "2026-10-01T00:00:00+00:00"},
                                   {"until": "2027-12-01T00:00:00+00:00"}, {"ring_seconds": 0}, {"by": "unit"}])
def test_another_estate_is_not_found_and_bad_periods_are_refused(client, auth, place, other_place, query) -> None:
    if query.get("estate_id") == "other":
        query = {"estate_id": str(other_place["estate"])}
    answer = client.get("/api/v1/calls/statistics", headers=auth("service_desk_agent", [place["estate"]]),
                        query_string={"since": SINCE.isoformat(), "until": UNTIL.isoformat(), **query})
    assert answer.status_code == (404 if "estate_id" in query else 422)


def test_no_calls_is_no_rows(client, auth, place) -> None:
    assert statistics(client, auth("service_desk_agent", [place["estate"]]))["rows"] == []
