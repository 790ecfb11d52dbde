"""Statistics of scores (SRV-3) are exact: the mean and the spread to two places from the count, the
sum and the sum of squares; the response rate to four; the weakest elements and the buildings most
below the estate's mean."""

from __future__ import annotations

import json
import statistics
import uuid
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from surveys.domain.statistics import (
    NONE,
    Figures,
    as_rows,
    below_mean,
    by_element,
    from_rows,
    rate,
    summed,
    weakest,
)


def _of(scores: list[int]) -> Figures:
    return Figures(len(scores), sum(scores), sum(s * s for s in scores))


@given(st.lists(st.integers(1, 5), min_size=1, max_size=500))
def test_the_mean_and_spread_are_those_of_the_scores_to_two_places(scores) -> None:
    figures = _of(scores)
    assert abs(figures.mean - Decimal(str(statistics.fmean(scores)))) <= Decimal("0.005")
    assert abs(figures.spread - Decimal(str(statistics.pstdev(scores)))) <= Decimal("0.005")


def test_figures_of_nothing_say_nothing_and_add_up() -> None:
    assert (NONE.mean, NONE.spread, NONE.shown()) == (None, None, {"answers": 0, "mean": None, "spread": None})
    assert summed([_of([5, 4]), _of([1])]) == _of([5, 4, 1])
    assert _of([4, 4, 4]).shown() == {"answers": 3, "mean": Decimal("4.00"), "spread": Decimal("0.00")}
    assert (rate(1, 3), rate(0, 0)) == (Decimal("0.3333"), None)


def test_the_weakest_elements_and_the_buildings_below_the_estates_mean() -> None:
    by_element = {"fees": _of([2, 3]), "attitude": _of([5, 4]), "efficiency": _of([3, 3]), "rules": NONE}
    assert weakest(by_element, 2) == ["fees", "efficiency"]
    estate = _of([2, 3, 5, 4, 3, 3])  # 3.33
    assert below_mean(estate, {"A": _of([2, 3]), "B": _of([5, 4]), "C": _of([3, 3]), "D": NONE}) == [
        ("A", Decimal("0.83")), ("C", Decimal("0.33"))]


@given(st.dictionaries(st.one_of(st.none(), st.uuids()), st.dictionaries(
    st.sampled_from(["attitude", "fees", "green", "custom"]),
    st.lists(st.integers(1, 5), min_size=1, max_size=50).map(_of), min_size=1), max_size=5))
def test_figures_kept_as_json_rows_read_back_the_same(per_building) -> None:
    """A closed wave's figures are kept as JSON rows (the building, the element, the sums); read back,
    they are the figures kept, the answers of no household (None) included."""
    assert from_rows(json.loads(json.dumps(as_rows(per_building)))) == per_building


def test_each_elements_figures_in_the_estate_add_up_every_building_and_no_building() -> None:
    first, second = uuid.uuid4(), uuid.uuid4()
    assert by_element({first: {"fees": _of([1, 2])}, second: {"fees": _of([3]), "green": _of([5])},
                       None: {"fees": _of([4])}}) == {"fees": _of([1, 2, 3, 4]), "green": _of([5])}
