"""Sampling a wave (SRV-1), by its properties: whatever the estate, its buildings and its past waves,
the share is met, every building with occupied households is represented, no household is picked
twice, no household is asked in two consecutive waves while its building has enough others, and the
recorded seed gives the same sample again."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.domain.sampling import LEAST_RECENTLY, NOT_RECENTLY, Household, quota, sample


@st.composite
def estates(draw):  # noqa: ANN001, ANN201
    """An estate: 1-8 buildings of 1-60 occupied households each, with ids from a drawn base."""
    sizes = draw(st.lists(st.integers(1, 60), min_size=1, max_size=8))
    base = draw(st.integers(0, 2**120))
    ids = (uuid.UUID(int=base + n) for n in range(10**6))
    return [Household(next(ids), building) for building, size in ((next(ids), s) for s in sizes) for _ in range(size)]


# A busy machine (the suite shares two cores) makes drawing an estate slow now and then: that is no
# failure of sampling, so neither the too-slow health check nor a per-example deadline applies.
relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
percents = st.integers(1, 100)
seeds = st.integers(0, 2**63)


@given(estates(), percents, seeds)
@relaxed
def test_the_share_is_met_in_the_estate_and_in_every_building(households, percent, seed) -> None:
    picks = sample(households, [], percent=percent, seed=seed)
    assert len(picks) * 100 >= len(households) * percent
    for building in {h.building_id for h in households}:
        members = sum(h.building_id == building for h in households)
        picked = sum(p.building_id == building for p in picks)
        assert picked >= 1 and picked * 100 >= members * percent and picked == quota(members, percent)


@given(estates(), percents, seeds)
@relaxed
def test_no_household_is_picked_twice_and_each_is_an_occupied_one_of_its_building(households, percent, seed) -> None:
    picks = sample(households, [], percent=percent, seed=seed)
    assert len({p.unit_id for p in picks}) == len(picks)
    building_of = {h.unit_id: h.building_id for h in households}
    assert all(building_of[p.unit_id] == p.building_id for p in picks)


@given(estates(), st.integers(1, 50), seeds, st.integers(1, 6))
@settings(relaxed, max_examples=60)
def test_no_household_is_asked_in_consecutive_waves_while_its_building_has_enough_others(
        households, percent, seed, waves) -> None:
    history: list[set[uuid.UUID]] = []
    for wave in range(waves):
        picks = sample(households, history, percent=percent, seed=seed + wave)
        if history:
            for building in {h.building_id for h in households}:
                members = [h.unit_id for h in households if h.building_id == building]
                fresh = [u for u in members if u not in history[0]]
                if len(fresh) >= quota(len(members), percent):
                    assert not {p.unit_id for p in picks if p.building_id == building} & history[0]
        history.insert(0, {p.unit_id for p in picks})


@given(estates(), percents, seeds)
@relaxed
def test_households_not_sampled_in_the_lookback_come_first(households, percent, seed) -> None:
    first = sample(households, [], percent=percent, seed=seed)
    assert {p.reason for p in first} == {NOT_RECENTLY}
    second = sample(households, [{p.unit_id for p in first}], percent=percent, seed=seed + 1)
    for pick in second:
        if pick.reason == LEAST_RECENTLY:
            assert pick.waves_ago == 1
            # its building had no household left that the last wave did not ask
            others = [h for h in households if h.building_id == pick.building_id]
            unasked = {h.unit_id for h in others} - {p.unit_id for p in first}
            assert unasked <= {p.unit_id for p in second}


@given(estates(), percents, seeds, st.randoms())
@relaxed
def test_the_recorded_seed_reproduces_the_sample_whatever_the_order_households_come_in(
        households, percent, seed, shuffle) -> None:
    again = list(households)
    shuffle.shuffle(again)
    assert sample(households, [], percent=percent, seed=seed) == sample(again, [], percent=percent, seed=seed)


def test_a_percent_outside_1_to_100_is_refused() -> None:
    for percent in (0, 101):
        try:
            sample([], [], percent=percent, seed=1)
        except ValueError:
            continue
        raise AssertionError(f"{percent} was taken")
