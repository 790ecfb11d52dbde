"""``tickets load-demo``: tickets of the demo estate across the stages, made once, from the copy."""

from __future__ import annotations

from sqlalchemy import func, select

from servicekit.demo import load_demo
from tickets.demo import DEMO
from tickets.service import SERVICE
from tickets.tables import outbox, tickets


def test_the_demo_needs_the_copy_then_loads_once_across_stages(db, settings, make_place, capsys) -> None:
    assert load_demo(SERVICE, settings, DEMO, count=60) == 1
    assert "no demo estate" in capsys.readouterr().out
    make_place("DEMO")
    assert load_demo(SERVICE, settings, DEMO, count=60) == 0
    assert "loaded 60 demo tickets" in capsys.readouterr().out
    with db.connect() as conn:
        stages = dict(conn.execute(select(tickets.c.stage, func.count()).group_by(tickets.c.stage)).all())
        events = conn.execute(select(func.count()).select_from(outbox.table)).scalar_one()
    assert sum(stages.values()) == 60 and len(stages) >= 5 and stages.get("archived", 0) > 0
    assert events > 60
    assert load_demo(SERVICE, settings, DEMO, count=60) == 0
    assert "loaded already" in capsys.readouterr().out
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tickets)).scalar_one() == 60
