"""``tickets load-demo``: tickets of the demo estate across the stages, made once, from the copy."""

from __future__ import annotations

from sqlalchemy import func, select

from servicekit.demo import load_demo
from tickets.demo import DEMO
from tickets.desk_demo import PAID_REPAIRS
from tickets.service import SERVICE
from tickets.tables import (
    applications,
    catalogue_items,
    commissions,
    complaint_outcomes,
    kb_articles,
    outbox,
    tickets,
    training_cases,
)


def test_the_demo_needs_the_copy_then_loads_once_across_stages(db, settings, make_place, capsys) -> None:
    assert load_demo(SERVICE, settings, DEMO, count=60) == 1
    assert "no demo estate" in capsys.readouterr().out
    make_place("DEMO")
    assert load_demo(SERVICE, settings, DEMO, count=60) == 0
    assert "loaded 60 demo tickets" in capsys.readouterr().out
    with db.connect() as conn:
        stages = dict(conn.execute(select(tickets.c.stage, func.count()).group_by(tickets.c.stage)).all())
        events = conn.execute(select(func.count()).select_from(outbox.table)).scalar_one()
    assert sum(stages.values()) == 60 + PAID_REPAIRS and len(stages) >= 5 and stages.get("archived", 0) > 0
    assert events > 60
    with db.connect() as conn:  # the desk demo: catalogue, paid repairs, articles, outcomes, a case, a renovation
        assert conn.execute(select(func.count()).select_from(catalogue_items)).scalar_one() == 7
        assert conn.execute(select(func.count(func.distinct(commissions.c.ticket_id)))).scalar_one() == 4
        assert conn.execute(select(func.count()).select_from(kb_articles)
                            .where(kb_articles.c.published_version == 1)).scalar_one() == 5
        assert conn.execute(select(func.count()).select_from(complaint_outcomes)
                            .where(complaint_outcomes.c.justified.is_not(None))).scalar_one() > 0
        assert conn.execute(select(func.count()).select_from(training_cases)).scalar_one() == 1
        assert conn.execute(select(applications.c.state, applications.c.current_step)).one() == ("in_progress", 3)
    assert load_demo(SERVICE, settings, DEMO, count=60) == 0
    assert "loaded already" in capsys.readouterr().out
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tickets)).scalar_one() == 60 + PAID_REPAIRS
