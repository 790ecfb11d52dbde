"""``surveys load-demo`` beside ``surveys timer``, as ``make run`` starts them (issue 17: the demo died
with "the survey has closed" when the timer closed a past quarter's wave between its opening and
its answers). Here the timer sweeps after every transaction the demo commits, the worst a timer
running beside it could do, since a timer sees only what is committed: every past wave must
arrive whole (opened, answered, followed up) or the demo fails."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from servicekit.demo import load_demo
from surveys.demo import DEMO
from surveys.service import SERVICE
from surveys.tables import actions, answers, waves
from surveys.timer import Timer

from .conftest import seed_estate

AT = datetime(2026, 12, 6, 4, tzinfo=UTC)


def test_the_demo_loads_whole_while_the_timer_sweeps_after_each_of_its_commits(db, settings) -> None:  # noqa: ANN001
    seed_estate(db, code="DEMO", buildings=3, units_each=40)
    timer = Timer(db, lambda: SERVICE.unit_of_work(sessionmaker(db)), clock=lambda: AT)
    timer.settings = settings
    swept: list[dict[str, int]] = []

    def sweep_after(session: Session) -> None:
        if session.bind is db or getattr(sweep_after, "busy", False):  # the timer's own commits
            return
        sweep_after.busy = True  # type: ignore[attr-defined]
        try:
            swept.append(timer.sweep())
        finally:
            sweep_after.busy = False  # type: ignore[attr-defined]

    event.listen(Session, "after_commit", sweep_after)
    try:
        assert load_demo(SERVICE, settings, DEMO, at=AT) == 0
    finally:
        event.remove(Session, "after_commit", sweep_after)

    assert sum(s["waves_closed"] for s in swept) == 2  # the timer did close the past quarters, during the load
    with db.connect() as conn:
        made = conn.execute(select(waves.c.period, waves.c.state, func.count(answers.c.id))
                            .outerjoin(answers, answers.c.wave_id == waves.c.id)
                            .group_by(waves.c.period, waves.c.state).order_by(waves.c.period)).all()
        action_states = sorted(conn.execute(select(actions.c.state)).scalars())
    assert [(w.period, w.state) for w in made] == [("2026-Q2", "closed"), ("2026-Q3", "closed"), ("2026-Q4", "open")]
    assert all(w[2] > 0 for w in made)  # each with its answers
    assert "open" in action_states and action_states.count("verified") >= 2
