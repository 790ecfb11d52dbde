"""A wave's statistics (SRV-3): the response rate, each element's answers, mean and spread in the
estate and per building, the weakest elements, the buildings below the estate's mean and the trend
against the estate's earlier wave; as CSV and XLSX too."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import uuid
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.service import SERVICE
from surveys.statistics import views
from surveys.statistics.views import Counted
from surveys.tables import outbox, waves
from surveys.timer import Timer
from surveys.waves.timer import WaveTimer


def _links(db, wave_id: str) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        events = [json.loads(r.body) for r in conn.execute(select(outbox.table))]
    return [e["data"] for e in events if e["type"] == "surveys.invitation.sent.v1" and e["data"]["wave_id"] == wave_id]


def _answer(client, invitation: dict, score: int, fees: int) -> None:  # noqa: ANN001
    items = {**{code: {"score": score} for code in ELEMENT_CODES}, "fees": {"score": fees}, "overall": {"score": score}}
    token = invitation["link"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/answers/{token}/submission", json={"items": items}).status_code == 201


def test_a_waves_statistics_by_element_and_building_with_the_trend(client, auth, db, seeded) -> None:
    estate = seeded(buildings=2, units_each=10)  # 2 households a building asked
    manager = auth("estate_manager", [str(estate.id)])
    before = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q3",
                                                "opens_on": "2026-07-08", "closes_on": "2027-01-31"},
                         headers=manager).json
    for invitation in _links(db, before["id"]):
        _answer(client, invitation, 3, 3)
    wave = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                              "opens_on": "2026-10-08"}, headers=manager).json
    invited = _links(db, wave["id"])
    first = str(estate.buildings[0])
    for invitation in invited[:3]:  # three of four answer: 5 in building 1, 4 in building 2; fees low
        _answer(client, invitation, 5 if _building(estate, invitation) == first else 4, 2)

    box = {**{code: {"score": 4} for code in ELEMENT_CODES}, "overall": {"score": 4}}  # no household: no building
    assert client.post("/api/v1/answers", json={"wave_id": wave["id"], "channel": "suggestion_box", "items": box},
                       headers=manager).status_code == 201
    stats = client.get(f"/api/v1/waves/{wave['id']}/statistics", headers=manager)
    assert stats.status_code == 200, stats.json
    body = stats.json
    assert (body["invited"], body["answered"], body["response_rate"]) == (4, 3, "0.7500")
    fees = next(e for e in body["elements"] if e["element"] == "fees")
    assert (fees["answers"], fees["mean"], fees["spread"]) == (4, "2.50", "0.87")  # 2, 2, 2 and the box's 4
    assert body["weakest"][0] == "fees" and [e["element"] for e in body["elements"]] == list(ELEMENT_CODES)
    assert body["answers_by_channel"] == {"link": 3, "suggestion_box": 1}
    assert len(body["buildings"]) == 2 and all(b["elements"] for b in body["buildings"])
    # Both buildings answered: building 2's 4s lie below the estate's mean, building 1's 5s above it.
    assert [b["building_id"] for b in body["below_estate_mean"]] == [str(estate.buildings[1])]
    [earlier] = body["trend"]
    assert earlier["period"] == "2026-Q3" and {e["mean"] for e in earlier["elements"]} == {"3.00"}

    as_csv = client.get(f"/api/v1/waves/{wave['id']}/statistics?format=csv", headers=manager)
    assert as_csv.mimetype == "text/csv" and "attachment" in as_csv.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    assert rows[0][0] == "楼栋 Building" and len(rows) == 1 + 9 * 3  # the estate, then its two buildings
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    as_xlsx = client.get(f"/api/v1/waves/{wave['id']}/statistics", headers={**manager, "Accept": xlsx})
    book = load_workbook(io.BytesIO(as_xlsx.data))
    assert book.sheetnames == ["按要素 By element", "按楼栋 By building", "趋势 Trend"]
    assert [c.value for c in book["趋势 Trend"][1]] == ["要素 Element", "2026-Q4", "2026-Q3"]


def _building(estate, invitation: dict) -> str:  # noqa: ANN001
    index = [str(u) for u in estate.units].index(invitation["unit_id"])
    return str(estate.buildings[index // (len(estate.units) // len(estate.buildings))])


def test_an_estates_latest_wave_with_its_statistics_in_one_call(client, auth, db, seeded) -> None:
    """The estate dashboard's part: nothing before the first wave; then the wave the list shows first with
    the statistics its own statistics answer, an answer submitted a moment ago counted; another estate's
    caller is refused and a missing estate_id is a problem answer."""
    estate = seeded(buildings=1, units_each=10)
    manager = auth("estate_manager", [str(estate.id)])
    url = f"/api/v1/waves/latest/statistics?estate_id={estate.id}"
    assert client.get(url, headers=manager).json == {"wave": None, "statistics": None}
    for period, opens_on in (("2026-Q3", "2026-07-08"), ("2026-Q4", "2026-10-08")):
        assert client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": period,
                                                  "opens_on": opens_on, "closes_on": "2027-01-31"},
                           headers=manager).status_code == 201
    [listed] = client.get(f"/api/v1/waves?estate_id={estate.id}&page_size=1", headers=manager).json["items"]
    latest = client.get(url, headers=manager)
    assert latest.status_code == 200, latest.json
    assert latest.json["wave"] == listed and listed["period"] == "2026-Q4"
    assert latest.json["statistics"]["answered"] == 0
    [earlier] = latest.json["statistics"]["trend"]  # a wave before with no answers: there, with none
    assert earlier["period"] == "2026-Q3" and {e["answers"] for e in earlier["elements"]} == {0}
    _answer(client, _links(db, listed["id"])[0], 5, 5)
    latest = client.get(url, headers=manager).json
    assert latest["statistics"] == client.get(f"/api/v1/waves/{listed['id']}/statistics", headers=manager).json
    assert latest["statistics"]["answered"] == 1 and latest["statistics"]["overall"]["mean"] == "5.00"

    stranger = auth("estate_manager", [str(seeded(buildings=1, units_each=1).id)])
    assert client.get(url, headers=stranger).status_code == 404
    missing = client.get("/api/v1/waves/latest/statistics", headers=manager)
    assert missing.status_code == 422 and "estate_id" in missing.json["errors"]["query"]


def test_an_estates_surveys_at_a_glance_is_its_latest_wave_and_follow_up_work_in_one_call(
        client, auth, db, seeded) -> None:
    """The estate dashboard asks surveys once: the latest wave with its statistics and the follow-up
    work, each as its own call answers it; an answer submitted a moment ago is counted (nothing kept);
    another estate's caller is told there is no such estate."""
    estate = seeded(buildings=1, units_each=10)
    manager = auth("estate_manager", [str(estate.id)])
    url = f"/api/v1/at-a-glance?estate_id={estate.id}"
    empty = client.get(url, headers=manager)
    assert empty.status_code == 200, empty.json
    assert (empty.json["wave"], empty.json["statistics"]) == (None, None)
    assert empty.json["follow_ups"]["open"] == 0 and empty.json["actions"]["open"] == 0
    wave = client.post("/api/v1/waves", headers=manager, json={
        "estate_id": str(estate.id), "period": "2026-Q4", "opens_on": "2026-10-08", "closes_on": "2027-01-31"}).json
    _answer(client, _links(db, wave["id"])[0], 1, 1)  # unhappy: a follow-up visit opens
    glance = client.get(url, headers=manager).json
    latest = client.get(f"/api/v1/waves/latest/statistics?estate_id={estate.id}", headers=manager).json
    work = client.get(f"/api/v1/follow-ups/at-a-glance?estate_id={estate.id}", headers=manager).json
    assert (glance["wave"], glance["statistics"]) == (latest["wave"], latest["statistics"])
    assert glance["statistics"]["answered"] == 1 and glance["wave"]["id"] == wave["id"]
    assert (glance["follow_ups"], glance["actions"]) == (work["follow_ups"], work["actions"])
    assert glance["follow_ups"]["open"] == 1
    stranger = auth("estate_manager", [str(seeded(buildings=1, units_each=1).id)])
    assert client.get(url, headers=stranger).status_code == 404


def _close(db, settings, wave: dict) -> None:  # noqa: ANN001
    """The timer closes the wave at its end, as it runs."""
    closes_at = datetime.fromisoformat(wave["closes_at"])
    timer = Timer(db, lambda: SERVICE.unit_of_work(sessionmaker(db)), clock=lambda: closes_at)
    timer.settings = settings
    assert timer.sweep()["waves_closed"] >= 1


def _kept(db, wave_id: str) -> Counted | None:  # noqa: ANN001
    with Session(db) as session:
        row = session.execute(views.ONE, {"wave_id": uuid.UUID(wave_id)}).mappings().first()
        return views._wave_of(row)[1]


def _counted(db, wave_id: str) -> Counted:  # noqa: ANN001
    with Session(db) as session:
        return views.counted(session, uuid.UUID(wave_id))


def test_a_waves_figures_are_kept_when_it_closes_and_are_those_its_answers_add_up_to(
        client, auth, db, seeded, settings) -> None:
    """A closed wave takes no answer, so its figures are kept as it closes and read from one row: the
    statistics it answers after closing (its own, and the trend of the wave after it) are those it
    answered before, as its invitations, answers and scores add up."""
    estate = seeded(buildings=2, units_each=10)
    manager = auth("estate_manager", [str(estate.id)])
    before = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q3",
                                                "opens_on": "2026-07-08", "closes_on": "2027-01-31"},
                         headers=manager).json
    for n, invitation in enumerate(_links(db, before["id"])[:3]):
        _answer(client, invitation, 5 - n, 1 + n)
    box = {**{code: {"score": 2} for code in ELEMENT_CODES}, "overall": {"score": 3}}  # no household: no building
    assert client.post("/api/v1/answers", json={"wave_id": before["id"], "channel": "suggestion_box", "items": box},
                       headers=manager).status_code == 201
    wave = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                              "opens_on": "2026-10-08", "closes_on": "2027-03-31"},
                       headers=manager).json
    _answer(client, _links(db, wave["id"])[0], 4, 4)
    statistics_before = client.get(f"/api/v1/waves/{before['id']}/statistics", headers=manager).json
    latest_before = client.get(f"/api/v1/at-a-glance?estate_id={estate.id}", headers=manager).json
    assert _kept(db, before["id"]) is None and statistics_before["answered"] == 3

    _close(db, settings, before)
    kept = _kept(db, before["id"])
    assert kept is not None and kept == _counted(db, before["id"])
    assert kept.by_channel == {"link": 3, "suggestion_box": 1} and None in kept.scores  # the box's, of no building
    assert client.get(f"/api/v1/waves/{before['id']}/statistics", headers=manager).json == statistics_before
    latest = client.get(f"/api/v1/at-a-glance?estate_id={estate.id}", headers=manager).json
    assert latest["statistics"] == latest_before["statistics"] and latest["wave"]["id"] == wave["id"]
    assert _kept(db, wave["id"]) is None  # still open: added up on every call, a new answer counted
    _answer(client, _links(db, wave["id"])[1], 2, 2)
    assert client.get(f"/api/v1/at-a-glance?estate_id={estate.id}", headers=manager).json["statistics"][
        "answered"] == 2


@pytest.mark.postgres_only
def test_an_answer_submitted_as_its_wave_closes_is_refused_not_left_out_of_the_kept_figures(
        client, auth, db, seeded, settings) -> None:
    """The closing holds the wave while it keeps the figures; an answer submitted meanwhile waits for it
    and is refused (the wave has closed), rather than taken and missing from the figures kept."""
    estate = seeded(buildings=1, units_each=10)
    manager = auth("estate_manager", [str(estate.id)])
    wave = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                              "opens_on": "2026-10-08", "closes_on": "2027-01-31"},
                       headers=manager).json
    links = _links(db, wave["id"])
    _answer(client, links[0], 4, 4)
    closes_at = datetime.fromisoformat(wave["closes_at"])
    timer = WaveTimer(settings)
    with SERVICE.unit_of_work(sessionmaker(db)) as uow:  # the timer's closing, its transaction held open
        row = uow.execute(select(waves).where(waves.c.id == uuid.UUID(wave["id"])).with_for_update()).mappings().one()
        timer.closing.fire(uow, row, closes_at)
        items = {**{code: {"score": 1} for code in ELEMENT_CODES}, "overall": {"score": 1}}
        answered: list[int] = []
        token = links[1]["link"].rsplit("/", 1)[1]
        posts = ((f"/api/v1/answers/{token}/submission", {"items": items}, {}),  # through the link
                 ("/api/v1/answers", {"wave_id": wave["id"], "channel": "paper", "items": items}, manager))  # staff
        submitting = [threading.Thread(target=lambda p=p: answered.append(
            client.post(p[0], json=p[1], headers=p[2]).status_code)) for p in posts]
        for thread in submitting:
            thread.start()
        _until_waiting_on_a_lock(db, submitting)
        uow.commit()
    for thread in submitting:
        thread.join()
    assert answered == [409, 409]
    assert _kept(db, wave["id"]) == _counted(db, wave["id"]) and _kept(db, wave["id"]).answered == 1


def _until_waiting_on_a_lock(db, threads: list[threading.Thread]) -> None:  # noqa: ANN001
    """Return once each of ``threads`` waits on a lock in the database (or has ended)."""
    with db.connect() as conn:
        while sum(t.is_alive() for t in threads) > conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar():
            conn.rollback()
            time.sleep(0.01)
