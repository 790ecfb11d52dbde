"""surveys' demo, for the demo estate (阳光花园, code ``DEMO``) of surveys' copy of owners.

``surveys load-demo`` (run by ``make run`` once the consumer has copied the demo estate) makes the
estate's own copy of the built-in nine-element questionnaire and publishes it. It loads once: a
second run finds the questionnaire and makes nothing.
"""

from __future__ import annotations

from sqlalchemy import select

from servicekit.demo import Demo, DemoRun
from surveys.domain.questionnaires import DEFAULT_ID
from surveys.questionnaires import use_cases
from surveys.tables import estates, questionnaires

CODE = "DEMO"
CREATED_BY = "demo-manager"


def _estate(run: DemoRun):  # noqa: ANN202  (the demo estate's id)
    with run.sessions() as session:
        return run.from_copy(session, select(estates.c.id).where(estates.c.code == CODE), what="demo estate")


def loaded(run: DemoRun) -> str | None:
    estate_id = _estate(run)
    with run.sessions() as session:
        found = session.execute(select(questionnaires.c.id).where(
            questionnaires.c.estate_id == estate_id, questionnaires.c.copied_from == DEFAULT_ID)).first()
    return None if found is None else f"surveys' demo of {CODE} is there already"


def load(run: DemoRun) -> str:
    estate_id = _estate(run)
    made = use_cases.copy(run.unit_of_work(), None, None, CREATED_BY, estate_id=estate_id,
                          name_zh="阳光花园业户满意度调查", name_en="Sunshine Garden owners' satisfaction survey")
    use_cases.publish(run.unit_of_work(), made["id"], CREATED_BY)
    return f"loaded surveys' demo of {CODE}: questionnaire {made['id']}"


DEMO = Demo(loaded=loaded, load=load)
