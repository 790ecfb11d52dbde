"""Which estate each kind of row a request names lies in, for every blueprint of the service
(:class:`servicekit.access.ScopedBlueprint`): a row outside the caller's estates answers 404."""

from __future__ import annotations

from typing import Any

from servicekit.access import InEstate, ScopedBlueprint
from surveys.tables import (
    actions,
    answers,
    buildings,
    estates,
    follow_ups,
    forums,
    people,
    questionnaires,
    units,
    waves,
)

SCOPE = {
    "estate_id": InEstate(estates, "estate", estate_column="id", what_zh="小区"),
    "building_id": InEstate(buildings, "building", what_zh="楼栋"),
    "unit_id": InEstate(units, "unit", what_zh="房屋"),
    "person_id": InEstate(people, "person", what_zh="住户"),
    # An operator-wide questionnaire (no estate) is seen by callers who see every estate only.
    "questionnaire_id": InEstate(questionnaires, "questionnaire", what_zh="问卷"),
    "wave_id": InEstate(waves, "wave", what_zh="调查"),
    "answer_id": InEstate(answers, "answer", what_zh="答卷"),
    "follow_up_id": InEstate(follow_ups, "follow-up visit", what_zh="回访"),
    "action_id": InEstate(actions, "rectification action", what_zh="整改措施"),
    "forum_id": InEstate(forums, "forum", what_zh="座谈会"),
}


def blueprint(name: str, import_name: str, **kwargs: Any) -> ScopedBlueprint:
    return ScopedBlueprint(name, import_name, scope=SCOPE, **kwargs)
