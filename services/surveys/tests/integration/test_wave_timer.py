"""Waves on their own (SRV-1): a wave made ahead invites its sample when its opening day begins, not
when it is made; those who have not answered are reminded once per reminder step; the wave closes
at the end of its closing day (answers after it: 409); and the operator's schedule opens a wave of
every quarter for every estate exactly once, however many timers sweep at once."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from servicekit.testing import count_rows
from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.service import SERVICE
from surveys.tables import invitations, outbox, wave_reminders, waves
from surveys.timer import Timer

SHANGHAI = ZoneInfo("Asia/Shanghai")
FULL = {**{code: {"score": 4} for code in ELEMENT_CODES}, "overall": {"score": 4}}


def _events(db, type_: str) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        found = [json.loads(r.body) for r in conn.execute(select(outbox.table).order_by(outbox.table.c.seq))]
    return [e["data"] for e in found if e["type"] == type_]


def _timers(db, settings, at: datetime, replicas: int = 1) -> list[Timer]:  # noqa: ANN001
    sessions = sessionmaker(db)
    made = [Timer(db, lambda: SERVICE.unit_of_work(sessions), batch=2, clock=lambda: at) for _ in range(replicas)]
    for timer in made:
        timer.settings = settings
    return made


def _sweep_together(timers: list[Timer]) -> list[dict[str, int]]:
    done: list[dict[str, int]] = []
    threads = [threading.Thread(target=lambda t=t: done.append(t.sweep())) for t in timers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done


def _total(done: list[dict[str, int]], name: str) -> int:
    return sum(d[name] for d in done)


def test_a_wave_made_ahead_invites_on_its_day_reminds_per_step_and_closes_at_its_end(
        client, auth, db, seeded, settings) -> None:
    estate = seeded(buildings=2, units_each=10)
    manager = auth("estate_manager", [str(estate.id)])
    ahead = date.today() + timedelta(days=3)
    made = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": f"{ahead.year + 1}-Q1",
                                              "opens_on": ahead.isoformat(),
                                              "closes_on": (ahead + timedelta(days=30)).isoformat(),
                                              "reminder_days": [7, 14]}, headers=manager)
    assert made.status_code == 201, made.json
    wave = made.json
    assert wave["state"] == "scheduled" and wave["reminder_days"] == [7, 14]
    assert _events(db, "surveys.invitation.sent.v1") == []  # made, not yet opened: nobody invited

    opens_at = datetime.fromisoformat(wave["opens_at"])
    assert opens_at == datetime(ahead.year, ahead.month, ahead.day, tzinfo=SHANGHAI)
    before = _timers(db, settings, opens_at - timedelta(seconds=1))[0].sweep()
    assert before["waves_opened"] == 0 and _events(db, "surveys.invitation.sent.v1") == []
    done = _sweep_together(_timers(db, settings, opens_at, replicas=3))
    assert _total(done, "waves_opened") == 1
    sent = _events(db, "surveys.invitation.sent.v1")
    assert len(sent) == wave["sampled"] == 4
    opened = _events(db, "surveys.wave.opened.v1")
    assert [o["state"] for o in opened] == ["scheduled", "open"]

    token = sent[0]["link"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/answers/{token}/submission", json={"items": FULL}).status_code == 201

    first_step = opens_at + timedelta(days=7)
    assert _total(_sweep_together(_timers(db, settings, first_step, replicas=3)), "wave_reminders") == 1
    reminded = _events(db, "surveys.invitation.reminded.v1")
    assert len(reminded) == 3 and sent[0]["invitation_id"] not in {r["invitation_id"] for r in reminded}
    assert _timers(db, settings, first_step + timedelta(days=1))[0].sweep()["wave_reminders"] == 0  # once a step
    assert _timers(db, settings, opens_at + timedelta(days=14))[0].sweep()["wave_reminders"] == 1
    assert len(_events(db, "surveys.invitation.reminded.v1")) == 6
    with db.connect() as conn:
        assert conn.execute(select(wave_reminders.c.step, wave_reminders.c.reminded)
                            .order_by(wave_reminders.c.step)).all() == [(1, 3), (2, 3)]

    closes_at = datetime.fromisoformat(wave["closes_at"])
    assert closes_at == datetime.combine(ahead + timedelta(days=31), datetime.min.time(), SHANGHAI)
    assert _total(_sweep_together(_timers(db, settings, closes_at, replicas=3)), "waves_closed") == 1
    assert [c["state"] for c in _events(db, "surveys.wave.closed.v1")] == ["closed"]
    late = client.post(f"/api/v1/answers/{sent[1]['link'].rsplit('/', 1)[1]}/submission", json={"items": FULL},
                       headers={"Accept-Language": "zh-CN"})
    assert late.status_code == 409 and late.json["detail"] == "本次调查已结束"
    paper = client.post("/api/v1/answers", json={"wave_id": wave["id"], "channel": "paper", "items": FULL},
                        headers=manager)
    assert paper.status_code == 409
    with db.connect() as conn:
        assert conn.execute(select(invitations.c.state).where(invitations.c.wave_id == uuid.UUID(wave["id"]))
                            ).scalars().all().count("answered") == 1


def test_no_answer_is_taken_after_the_closing_day_even_before_the_timer_closes_the_wave(
        client, auth, db, seeded) -> None:
    estate = seeded(buildings=1, units_each=5)
    manager = auth("estate_manager", [str(estate.id)])
    yesterday = date.today() - timedelta(days=1)
    made = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                              "opens_on": (yesterday - timedelta(days=10)).isoformat(),
                                              "closes_on": (yesterday - timedelta(days=1)).isoformat()},
                       headers=manager)
    assert made.status_code == 201 and made.json["state"] == "open"  # made late: the timer closes it next
    token = _events(db, "surveys.invitation.sent.v1")[0]["link"].rsplit("/", 1)[1]
    refused = client.post(f"/api/v1/answers/{token}/submission", json={"items": FULL})
    assert refused.status_code == 409 and refused.json["detail"] == "the survey has closed"


def test_the_schedule_opens_a_wave_of_the_quarter_for_every_estate_once_across_replicas(
        client, auth, db, seeded, settings) -> None:
    estates = [seeded(code=f"E{n}", buildings=1, units_each=5) for n in range(3)]
    scoped = auth("operator_admin", [str(estates[0].id)])
    refused = client.put("/api/v1/wave-schedule", json={"active": True}, headers=scoped)
    assert refused.status_code == 422 and count_rows(db, waves) == 0
    assert client.put("/api/v1/wave-schedule", json={"active": True}, headers=auth("estate_manager", [
        str(estates[0].id)])).status_code == 403
    admin = auth("operator_admin")
    assert client.get("/api/v1/wave-schedule", headers=admin).json["active"] is False
    put = client.put("/api/v1/wave-schedule", json={"active": True, "open_day": 8, "reminder_days": [10]},
                     headers=admin)
    assert put.status_code == 200 and put.json["version"] == 1

    quarter_start = date(2027, 4, 1)
    day_before = datetime.combine(quarter_start + timedelta(days=6), datetime.min.time(), SHANGHAI)
    assert _timers(db, settings, day_before)[0].sweep()["waves_scheduled"] == 0
    on_the_day = datetime.combine(quarter_start + timedelta(days=7, hours=9), datetime.min.time(), SHANGHAI)
    on_the_day = on_the_day.astimezone(UTC)
    done = _sweep_together(_timers(db, settings, on_the_day, replicas=4))
    assert _total(done, "waves_scheduled") == 3
    with db.connect() as conn:
        made = conn.execute(select(waves.c.estate_id, waves.c.period, waves.c.opens_on, waves.c.state,
                                   waves.c.opened_by)).all()
    assert sorted(str(m.estate_id) for m in made) == sorted(str(e.id) for e in estates)
    assert {(m.period, m.opens_on, m.state, m.opened_by) for m in made} == {
        ("2027-Q2", date(2027, 4, 8), "open", "schedule")}
    assert len(_events(db, "surveys.invitation.sent.v1")) == 3  # one household of five each (20 %)
    assert _total(_sweep_together(_timers(db, settings, on_the_day + timedelta(days=1), replicas=4)),
                  "waves_scheduled") == 0
