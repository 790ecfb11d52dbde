"""A complaint's outcome fits its class (TKT-14): sub-types within the class, a management
complaint's sub-type is its quality aspect, root causes from the closed list."""

from __future__ import annotations

import pytest

from servicekit.errors import Invalid
from tickets.domain.outcomes import ROOT_CAUSES, SUBTYPES, check_changes, default_subtype, newly_in_the_press


@pytest.mark.parametrize(("klass", "subtype"), [(k, s) for k, values in SUBTYPES.items() if k != "management"
                                                for s in values])
def test_each_class_takes_its_own_sub_types(klass: str, subtype: str) -> None:
    assert check_changes(klass, None, {"subtype": subtype}) == {"subtype": subtype}


def test_a_sub_type_of_another_class_is_refused_with_every_field_at_once() -> None:
    with pytest.raises(Invalid) as refused:
        check_changes("fees", None, {"subtype": "lift_entrapment", "root_cause": "gremlins"})
    assert set(refused.value.errors) == {"subtype", "root_cause"}
    assert refused.value.message.zh == "投诉结果与投诉分类不符"


def test_a_management_complaints_sub_type_is_its_quality_aspect() -> None:
    assert default_subtype("management", "attitude") == "attitude"
    assert default_subtype("emergency", None) is None
    assert check_changes("management", "attitude", {"subtype": "attitude"})
    with pytest.raises(Invalid):
        check_changes("management", "attitude", {"subtype": "timeliness"})


def test_emergencies_name_the_textbooks_five_kinds_and_every_cause_has_two_names() -> None:
    assert {"power_cut", "water_cut", "lift_entrapment", "flooding", "burglary", "vehicle_lost"} == set(
        SUBTYPES["emergency"])
    assert all(zh and en for zh, en in ROOT_CAUSES.values())


def test_the_press_escalates_once_when_first_involved() -> None:
    assert newly_in_the_press(None, {"media_involved": True})
    assert newly_in_the_press({"media_involved": False}, {"media_involved": True})
    assert not newly_in_the_press({"media_involved": True}, {"media_involved": True})
    assert not newly_in_the_press(None, {"media_involved": False})
