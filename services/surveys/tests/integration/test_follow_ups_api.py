"""Follow-up visits and rectification (SRV-4): a low score or a complaint in a comment opens a
follow-up visit assigned to the staff whose territory covers the building; the visit records what
the owner said and opens rectification actions tracked until verified; overdue actions are listed
and become events exactly once, however many timers sweep."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import sessionmaker

from servicekit.testing import count_rows
from surveys import tables
from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.follow_ups.metrics import attention_counts
from surveys.service import SERVICE
from surveys.tables import action_steps, actions, follow_up_thresholds, follow_ups, outbox
from surveys.timer import Timer

HAPPY = {**{code: {"score": 4} for code in ELEMENT_CODES}, "overall": {"score": 4}}


def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        found = [json.loads(r.body) for r in conn.execute(select(outbox.table).order_by(outbox.table.c.seq))]
    return [e["data"] for e in found if e["type"] == type_]


def _staff(db, estate, name: str, building=None) -> uuid.UUID:  # noqa: ANN001
    """A staff member of the estate with a territory: one building, or (None) the whole estate."""
    staff_id = uuid.uuid4()
    with db.begin() as conn:
        conn.execute(insert(tables.staff).values(id=staff_id, estate_id=estate.id, name=name,
                                                 role="customer_service", active=True, version=1))
        conn.execute(insert(tables.territories).values(id=uuid.uuid4(), estate_id=estate.id, staff_id=staff_id,
                                                       building_id=building, released=False, version=1))
    return staff_id


@pytest.fixture
def wave(client, auth, db, seeded):  # noqa: ANN001, ANN201
    estate = seeded(buildings=2, units_each=10)  # 2 households sampled per building
    manager = auth("estate_manager", [str(estate.id)])
    opened = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                                "opens_on": "2026-10-08"}, headers=manager)
    assert opened.status_code == 201, opened.json
    links = {i["unit_id"]: i["link"].rsplit("/", 1)[1] for i in _events(db, "surveys.invitation.sent.v1")}
    return {"estate": estate, "manager": manager, "links": links, "id": opened.json["id"]}


def _submit(client, token: str, items: dict) -> dict:  # noqa: ANN001
    done = client.post(f"/api/v1/answers/{token}/submission", json={"items": items})
    assert done.status_code == 201, done.json
    return done.json


def _in_building(estate, links: dict, building_index: int) -> str:  # noqa: ANN001
    """A sampled household's token in the estate's ``building_index``-th building."""
    per_building = len(estate.units) // len(estate.buildings)
    units = {str(u) for u in estate.units[building_index * per_building:(building_index + 1) * per_building]}
    return next(token for unit, token in links.items() if unit in units)


def test_a_low_score_or_a_complaint_opens_a_visit_for_the_building_s_staff_and_a_happy_answer_none(
        client, db, wave) -> None:
    estate = wave["estate"]
    whole_estate = _staff(db, estate, "王客服")
    first_building = _staff(db, estate, "李管家", estate.buildings[0])
    first_token, second_token = (_in_building(estate, wave["links"], b) for b in (0, 1))
    _submit(client, next(t for t in wave["links"].values() if t not in (first_token, second_token)), HAPPY)
    assert count_rows(db, follow_ups) == 0

    _submit(client, first_token, {**HAPPY, "attitude": {"score": 1, "comment": "前台态度差，我要投诉"}})
    _submit(client, second_token, {**HAPPY, "remarks": {"text": "The garage roof has a leak again"}})
    opened = _events(db, "surveys.follow_up.opened.v1")
    assert len(opened) == 2
    first, second = opened
    assert first["assignee_id"] == str(first_building)  # the building's own comes before the estate's
    assert [(r["kind"], r.get("element"), r.get("words")) for r in first["reasons"]] == [
        ("low_score", "attitude", None), ("complaint", None, ["投诉", "态度差"])]
    assert second["assignee_id"] == str(whole_estate)  # nobody has the second building: the estate's
    assert second["reasons"] == [{"kind": "complaint", "code": "remarks", "words": ["leak"],
                                  "text": "The garage roof has a leak again"}]
    listed = client.get(f"/api/v1/follow-ups?estate_id={estate.id}&state=open", headers=wave["manager"]).json
    assert {f["assignee_name"] for f in listed["items"]} == {"李管家", "王客服"}


def test_a_follow_up_no_staff_covers_is_opened_unassigned_and_counted(client, db, wave) -> None:
    _submit(client, next(iter(wave["links"].values())), {**HAPPY, "overall": {"score": 2}})
    [opened] = _events(db, "surveys.follow_up.opened.v1")
    assert opened["assignee_id"] is None
    with sessionmaker(db)() as session:
        assert attention_counts(session)["unassigned"] == 1


def test_thresholds_per_estate_and_element_decide_what_is_low(client, auth, db, wave) -> None:
    estate, manager = wave["estate"], wave["manager"]
    bad = client.put("/api/v1/follow-up-thresholds", json={"estate_id": str(estate.id), "thresholds": {"fees": 6}},
                     headers={**manager, "Accept-Language": "zh-CN"})
    assert bad.status_code == 422 and "阈值" in bad.json["detail"] and count_rows(db, follow_up_thresholds) == 0
    operator_wide = client.put("/api/v1/follow-up-thresholds", json={"thresholds": {"*": 1}}, headers=manager)
    assert operator_wide.status_code == 422 and operator_wide.json["errors"]["json"]["estate_id"] == ["is required"]
    put = client.put("/api/v1/follow-up-thresholds",
                     json={"estate_id": str(estate.id), "thresholds": {"fees": 3, "*": 1}}, headers=manager)
    assert put.status_code == 200, put.json
    admin = auth("operator_admin")  # every estate
    assert client.put("/api/v1/follow-up-thresholds", json={"thresholds": {"attitude": 4}},
                      headers=admin).status_code == 200
    shown = client.get(f"/api/v1/follow-up-thresholds?estate_id={estate.id}", headers=manager).json
    assert (shown["default"], shown["operator"], shown["estate"]) == (2, {"attitude": 4}, {"fees": 3, "*": 1})
    tokens = iter(wave["links"].values())
    _submit(client, next(tokens), {**HAPPY, "skills": {"score": 2}, "attitude": {"score": 3}})  # 2 > 1, 3 > 1
    assert count_rows(db, follow_ups) == 0
    _submit(client, next(tokens), {**HAPPY, "fees": {"score": 3}})
    [opened] = _events(db, "surveys.follow_up.opened.v1")
    assert opened["reasons"][0] == {"kind": "low_score", "code": "fees", "element": "fees", "score": 3,
                                    "threshold": 3}


def test_staff_flag_an_answer_for_a_visit_once(client, db, auth, wave) -> None:
    answer = _submit(client, next(iter(wave["links"].values())), HAPPY)
    desk = auth("service_desk_agent", [str(wave["estate"].id)])
    flagged = client.post("/api/v1/follow-ups", json={"answer_id": answer["id"], "note": "电话里语气不满"},
                          headers=desk)
    assert flagged.status_code == 201, flagged.json
    assert flagged.json["reasons"] == [{"kind": "staff", "note": "电话里语气不满"}]
    again = client.post("/api/v1/follow-ups", json={"answer_id": answer["id"], "note": "x"},
                        headers={**desk, "Accept-Language": "zh-CN"})
    assert again.status_code == 409 and "已有回访" in again.json["detail"] and count_rows(db, follow_ups) == 1


def _visited(client, db, wave) -> tuple[dict, uuid.UUID]:  # noqa: ANN001
    estate = wave["estate"]
    keeper = _staff(db, estate, "李管家")
    _submit(client, next(iter(wave["links"].values())), {**HAPPY, "equipment": {"score": 1}})
    follow_up = client.get(f"/api/v1/follow-ups?estate_id={estate.id}", headers=wave["manager"]).json["items"][0]
    early = client.post("/api/v1/actions", json={"follow_up_id": follow_up["id"], "description": "修门禁",
                                                 "responsible_id": str(keeper), "due_on": "2099-01-01"},
                        headers=wave["manager"])
    assert early.status_code == 409  # the visit first
    visited = client.post(f"/api/v1/follow-ups/{follow_up['id']}/visit",
                          json={"owner_said": "单元门禁坏了两周", "version": follow_up["version"]},
                          headers=wave["manager"])
    assert visited.status_code == 200 and visited.json["state"] == "visited"
    assert client.post(f"/api/v1/follow-ups/{follow_up['id']}/visit", json={"owner_said": "again"},
                       headers=wave["manager"]).status_code == 409
    return visited.json, keeper


def test_a_visit_opens_actions_tracked_until_verified_and_wrong_moves_are_refused(client, db, auth, wave) -> None:
    follow_up, keeper = _visited(client, db, wave)
    manager = wave["manager"]
    not_staff = client.post("/api/v1/actions", json={"follow_up_id": follow_up["id"], "description": "修门禁",
                                                     "responsible_id": str(uuid.uuid4()), "due_on": "2099-01-01"},
                            headers={**manager, "Accept-Language": "zh-CN"})
    assert not_staff.status_code == 422 and "责任人" in not_staff.json["detail"]
    past = client.post("/api/v1/actions", json={"follow_up_id": follow_up["id"], "description": "修门禁",
                                                "responsible_id": str(keeper), "due_on": "2020-01-01"},
                       headers=manager)
    assert past.status_code == 422 and count_rows(db, actions) == 0
    made = client.post("/api/v1/actions", json={"follow_up_id": follow_up["id"], "description": "更换单元门禁读卡器",
                                                "responsible_id": str(keeper), "due_on": "2099-01-01"},
                       headers=manager)
    assert made.status_code == 201 and made.json["state"] == "open" and made.json["responsible_name"] == "李管家"
    action = made.json["id"]
    technician = auth("technician", [str(wave["estate"].id)])
    zh = {**manager, "Accept-Language": "zh-CN"}
    early = client.post(f"/api/v1/actions/{action}/verification", json={}, headers=zh)
    assert early.status_code == 409 and "待整改" in early.json["detail"]
    assert client.post(f"/api/v1/actions/{action}/done", json={"note": "已换"}, headers=technician).status_code == 200
    assert client.post(f"/api/v1/actions/{action}/verification", json={}, headers=technician).status_code == 403
    reopened = client.post(f"/api/v1/actions/{action}/reopening", json={"note": "仍刷不开", "due_on": "2099-02-01"},
                           headers=manager)
    assert reopened.status_code == 200 and reopened.json["state"] == "open" and reopened.json["reopened"] == 1
    client.post(f"/api/v1/actions/{action}/done", json={}, headers=technician)
    verified = client.post(f"/api/v1/actions/{action}/verification", json={"note": "业主确认可用"}, headers=manager)
    assert verified.status_code == 200 and verified.json["state"] == "verified"
    assert [s["step"] for s in verified.json["steps"]] == ["opened", "done", "reopened", "done", "verified"]
    assert client.post(f"/api/v1/actions/{action}/reopening", json={}, headers=manager).status_code == 409
    changed = _events(db, "surveys.action.changed.v1")
    assert [c["step"] for c in changed] == ["opened", "done", "reopened", "done", "verified"]
    assert changed[2]["due_on"] == "2099-02-01"
    shown = client.get(f"/api/v1/follow-ups/{follow_up['id']}", headers=manager).json
    assert [(a["id"], a["state"]) for a in shown["actions"]] == [(action, "verified")]


def test_overdue_actions_are_listed_and_told_once_by_any_number_of_timers(client, db, wave, settings) -> None:
    follow_up, keeper = _visited(client, db, wave)
    made = [client.post("/api/v1/actions", json={"follow_up_id": follow_up["id"], "description": f"整改{n}",
                                                 "responsible_id": str(keeper), "due_on": "2099-01-01"},
                        headers=wave["manager"]).json["id"] for n in range(3)]
    now = datetime.now(UTC)
    with db.begin() as conn:  # two of them fall due: time passes
        conn.execute(update(actions).where(actions.c.id.in_([uuid.UUID(a) for a in made[:2]]))
                     .values(due_at=now - timedelta(hours=1), due_on=date.today() - timedelta(days=1)))
    overdue = client.get(f"/api/v1/actions?estate_id={wave['estate'].id}&overdue=true", headers=wave["manager"]).json
    assert sorted(a["id"] for a in overdue["items"]) == sorted(made[:2])

    sessions = sessionmaker(db)
    timers = [Timer(db, lambda: SERVICE.unit_of_work(sessions), batch=1, clock=lambda: now) for _ in range(4)]
    for timer in timers:
        timer.settings = settings
    counts: list[int] = []
    threads = [threading.Thread(target=lambda t=t: counts.append(t.sweep()["actions_overdue"])) for t in timers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 2
    assert all(t.sweep()["actions_overdue"] == 0 for t in timers)
    told = _events(db, "surveys.action.overdue.v1")
    assert sorted(e["action_id"] for e in told) == sorted(made[:2])
    assert {(e["staff"]["staff_id"], e["staff"]["name"]) for e in told} == {(str(keeper), "李管家")}
    # done, found not done with a new date that passes too: told again, once
    client.post(f"/api/v1/actions/{made[0]}/done", json={}, headers=wave["manager"])
    client.post(f"/api/v1/actions/{made[0]}/reopening", json={"due_on": "2099-03-01"}, headers=wave["manager"])
    with db.begin() as conn:
        conn.execute(update(actions).where(actions.c.id == uuid.UUID(made[0])).values(due_at=now))
    assert timers[0].sweep()["actions_overdue"] == 1 and timers[1].sweep()["actions_overdue"] == 0
    assert count_rows(db, action_steps) == 5
    with db.connect() as conn:
        assert conn.execute(select(actions.c.overdue_at).where(actions.c.id == uuid.UUID(made[2]))
                            ).scalar() is None


def test_an_estates_follow_up_work_at_a_glance_for_its_dashboard(client, db, auth, wave) -> None:
    """Open visits (one nobody covers) and open actions (two overdue) counted for the estate dashboard;
    another estate's desk is told there is no such estate."""
    estate, manager = wave["estate"], wave["manager"]
    glance = f"/api/v1/follow-ups/at-a-glance?estate_id={estate.id}"
    empty = client.get(glance, headers=manager)
    assert empty.status_code == 200, empty.json
    assert (empty.json["follow_ups"], empty.json["actions"]) == (
        {"open": 0, "unassigned": 0, "oldest_opened_at": None}, {"open": 0, "overdue": 0, "overdue_since": None})
    follow_up, keeper = _visited(client, db, wave)  # one visited: no longer open
    _submit(client, next(t for t in wave["links"].values() if not _answered(db, t)), {**HAPPY, "overall": {"score": 1}})
    made = [client.post("/api/v1/actions", json={"follow_up_id": follow_up["id"], "description": f"整改{n}",
                                                 "responsible_id": str(keeper), "due_on": "2099-01-01"},
                        headers=manager).json["id"] for n in range(3)]
    due = datetime.now(UTC) - timedelta(hours=2)
    with db.begin() as conn:
        conn.execute(update(actions).where(actions.c.id.in_([uuid.UUID(a) for a in made[:2]])).values(due_at=due))
    client.post(f"/api/v1/actions/{made[2]}/done", json={}, headers=manager)
    board = client.get(glance, headers=manager).json
    assert {k: board["follow_ups"][k] for k in ("open", "unassigned")} == {"open": 1, "unassigned": 0}
    assert board["follow_ups"]["oldest_opened_at"] is not None
    assert {k: board["actions"][k] for k in ("open", "overdue")} == {"open": 2, "overdue": 2}
    assert datetime.fromisoformat(board["actions"]["overdue_since"]) == due
    stranger = auth("estate_manager", [str(uuid.uuid4())])
    assert client.get(glance, headers=stranger).status_code == 404


def _answered(db, token: str) -> bool:  # noqa: ANN001
    import hashlib

    with db.connect() as conn:
        invitation = conn.execute(select(tables.invitation_tokens.c.invitation_id).where(
            tables.invitation_tokens.c.token_hash == hashlib.sha256(token.encode()).hexdigest())).scalar_one()
        return conn.execute(select(tables.answers.c.id).where(tables.answers.c.invitation_id == invitation)
                            ).first() is not None
