"""surveys' demo (``surveys load-demo``): two past waves with answers, so statistics show a trend, this
quarter's wave running, follow-ups with their actions verified and one still open; everything it
records, and what the timer does to it afterwards, is the demo's history (notify sends none of it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from servicekit.demo import DEMO_CORRELATION_PREFIX, load_demo
from surveys.demo import DEMO
from surveys.service import SERVICE
from surveys.tables import actions, bulletins, follow_ups, forum_invitees, forums, outbox, waves
from surveys.timer import Timer

from .conftest import seed_estate

AT = datetime(2026, 12, 6, 4, tzinfo=UTC)


def test_the_demo_has_past_waves_with_a_trend_a_running_wave_and_an_open_rectification(
        client, auth, db, settings) -> None:
    estate = seed_estate(db, code="DEMO", buildings=3, units_each=40)
    assert load_demo(SERVICE, settings, DEMO, at=AT) == 0
    with db.connect() as conn:
        made = conn.execute(select(waves.c.id, waves.c.period, waves.c.state).order_by(waves.c.period)).all()
        action_states = sorted(conn.execute(select(actions.c.state)).scalars())
        visited = conn.execute(select(follow_ups.c.state)).scalars().all()
    assert [(w.period, w.state) for w in made] == [("2026-Q2", "open"), ("2026-Q3", "open"), ("2026-Q4", "open")]
    assert "open" in action_states and action_states.count("verified") >= 2
    assert visited.count("visited") >= 3 and len(visited) > 3
    with db.connect() as conn:
        [bulletin] = conn.execute(select(bulletins.c.wave_id, bulletins.c.author)).all()
        [forum] = conn.execute(select(forums.c.id, forums.c.held_on)).all()
        came = conn.execute(select(forum_invitees.c.attended)).scalars().all()
        suggested = sorted(conn.execute(select(actions.c.state).where(actions.c.forum_id == forum.id)).scalars())
    assert bulletin.wave_id == made[1].id and bulletin.author  # last quarter's, with its author
    assert forum.held_on <= AT.date() and len(came) == 12 and came.count(True) == 8
    assert suggested == ["open", "verified"]
    page = client.get(f"/api/v1/waves/{made[1].id}/bulletin", headers=auth("estate_manager", [str(estate.id)]))
    assert page.status_code == 200 and "阳光花园客服中心" in page.get_data(as_text=True)
    stats = client.get(f"/api/v1/waves/{made[2].id}/statistics", headers=auth("estate_manager", [str(estate.id)]))
    assert stats.status_code == 200
    assert stats.json["answered"] > 0
    assert [t["period"] for t in stats.json["trend"]] == ["2026-Q3", "2026-Q2"]
    assert all(len(t["elements"]) == 9 for t in stats.json["trend"])

    sessions = sessionmaker(db)
    timer = Timer(db, lambda: SERVICE.unit_of_work(sessions), clock=lambda: AT)
    timer.settings = settings
    assert timer.sweep()["waves_closed"] == 2  # the past quarters close, as history too
    with db.connect() as conn:
        recorded = [json.loads(r.body) for r in conn.execute(select(outbox.table))]
    assert recorded and all(e["correlationid"].startswith(DEMO_CORRELATION_PREFIX) for e in recorded)
    assert load_demo(SERVICE, settings, DEMO, at=AT) == 0  # once
    with db.connect() as conn:
        assert len(conn.execute(select(waves.c.id)).all()) == 3
