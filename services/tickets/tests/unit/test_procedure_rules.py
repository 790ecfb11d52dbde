"""Standard procedures (TKT-15): the built-in renovation approval's steps in the textbook's order,
who may decide a step, and a template's steps that do not fit together refused."""

from __future__ import annotations

import pytest

from servicekit.errors import Invalid
from tickets.domain.procedures import BUILT_IN, check_steps, may_decide


def test_the_built_in_procedures_are_the_textbooks() -> None:
    renovation = BUILT_IN["renovation_approval"]
    assert [s["key"] for s in renovation["steps"]] == [
        "application", "documents", "deposit", "inspection", "approval", "completion"]
    assert {"phone_answering", "equipment_operation"} <= set(BUILT_IN)
    for template in BUILT_IN.values():
        check_steps(template["steps"])


def test_a_step_is_decided_by_its_role_or_a_manager() -> None:
    assert may_decide("technician", "technician") and may_decide("estate_manager", "technician")
    assert may_decide("operator_admin", "estate_manager")
    assert not may_decide("service_desk_agent", "estate_manager") and not may_decide("technician", "service_desk_agent")
    assert not may_decide("owner", "service_desk_agent")


@pytest.mark.parametrize("steps", [
    [],
    [{"key": "a", "approver_role": "technician"}, {"key": "a", "approver_role": "technician"}],
    [{"key": "a", "approver_role": "owner"}],
])
def test_steps_that_do_not_fit_together_are_refused(steps) -> None:
    with pytest.raises(Invalid):
        check_steps(steps)
