"""The call statistics' arithmetic with no I/O: the nearest-rank percentile and the rates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tickets.domain.call_statistics import figures, nearest_rank


def test_the_nearest_rank_of_a_few_times() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([1, 2, 3, 4], 50) == 2 and nearest_rank([1, 2, 3, 4], 90) == 4
    assert nearest_rank(list(range(1, 11)), 90) == 9 and nearest_rank(list(range(1, 11)), 50) == 5


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1), st.sampled_from([50, 90]))
def test_at_least_the_share_take_no_longer_than_the_nearest_rank(times: list[int], percent: int) -> None:
    ordered = sorted(times)
    rank = nearest_rank(ordered, percent)
    assert rank in ordered
    assert sum(1 for t in ordered if t <= rank) >= percent / 100 * len(ordered)
    assert sum(1 for t in ordered if t < rank) < percent / 100 * len(ordered)


def test_rates_are_over_inbound_calls_and_null_without_any() -> None:
    row = figures({"calls": 5, "inbound": 4, "answered": 3, "within_three_rings": 2, "missed": 1}, 6000, 18500, 3, 2)
    assert (row["three_rings_rate"], row["missed_rate"], row["abandoned_rate"]) == (0.5, 0.25, 0.0)
    assert (row["answer_p50_seconds"], row["answer_p90_seconds"], row["callbacks_kept_rate"]) == (6.0, 18.5, 0.6667)
    empty = figures({}, None, None, 0, 0)
    assert empty["three_rings_rate"] is None and empty["callbacks_kept_rate"] is None and empty["calls"] == 0
