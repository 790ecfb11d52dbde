"""Sampling a wave (SRV-1): which occupied households of an estate a quarterly wave asks.

The rules, all of them checked by property tests (tests/unit/test_sampling.py):

* **the share is met**: at least ``percent`` % of the estate's occupied households, rounded up;
* **stratified by building**: each building with occupied households gets its own quota,
  ``percent`` % of its households rounded up (so at least one), and the quotas add up to at least
  the estate's share;
* **in turn**: within a building, households are ranked by whether they were sampled in the last
  wave, then the one before, and so on back ``lookback`` waves (those sampled in none come first);
  so no household is asked in two consecutive waves while its building has enough others;
* **reproducible**: ties are broken by a shuffle seeded with the wave's recorded ``seed`` over the
  households in id order, so the same households, history and seed give the same sample;
* each picked household carries its **reason**: its building's quota and when it was last sampled.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

NOT_RECENTLY = "not_sampled_recently"  # in none of the last ``lookback`` waves
LEAST_RECENTLY = "least_recently_sampled"  # sampled in one of them, but the building needs more


@dataclass(frozen=True, order=True)
class Household:
    """An occupied household: a unit with at least one current occupant, in its building."""

    unit_id: UUID
    building_id: UUID


@dataclass(frozen=True)
class Pick:
    """A household in the sample, and why: ``reason`` (:data:`NOT_RECENTLY` or
    :data:`LEAST_RECENTLY`), ``waves_ago`` (1 = the last wave; None: not in the look-back), and its
    building's ``quota`` of ``households``."""

    unit_id: UUID
    building_id: UUID
    reason: str
    waves_ago: int | None
    quota: int
    households: int


def _by_id(household: Household) -> int:
    return household.unit_id.int


def quota(households: int, percent: int) -> int:
    """A building's share of ``households`` at ``percent`` %, rounded up (exact integer arithmetic)."""
    return min(households, -(-households * percent // 100))


def sample(households: Iterable[Household], earlier: Sequence[set[UUID]], *, percent: int, seed: int,
           lookback: int = 4) -> list[Pick]:
    """The sample of a wave: ``households`` are the estate's occupied households, ``earlier`` the
    unit ids of the estate's earlier waves' samples, the latest first (only the first ``lookback``
    count). Answers the picks in building order, then rank order."""
    if not 0 < percent <= 100:
        raise ValueError("percent is between 1 and 100")
    history = list(earlier[:lookback])
    # A household's place in turn: a bit per earlier wave that asked it, the latest the highest, so
    # the households none asked come first, then those only the oldest asked, and so on.
    asked: dict[UUID, int] = defaultdict(int)
    for age, wave in enumerate(history):
        bit = 1 << (len(history) - 1 - age)
        for unit_id in wave:
            asked[unit_id] |= bit
    by_building: dict[UUID, list[Household]] = defaultdict(list)
    for household in sorted(set(households), key=_by_id):
        by_building[household.building_id].append(household)
    shuffle = random.Random(seed)
    picks: list[Pick] = []
    for building_id in sorted(by_building):
        members = by_building[building_id]
        order = list(range(len(members)))
        shuffle.shuffle(order)  # the tie-break, drawn in building order: reproducible from the seed
        tie = {members[i].unit_id: rank for rank, i in enumerate(order)}
        ranked = sorted(members, key=lambda h: (asked.get(h.unit_id, 0), tie[h.unit_id]))
        wanted = quota(len(members), percent)
        for household in ranked[:wanted]:
            ago = next((n for n, wave in enumerate(history, 1) if household.unit_id in wave), None)
            picks.append(Pick(household.unit_id, building_id, NOT_RECENTLY if ago is None else LEAST_RECENTLY,
                              ago, wanted, len(members)))
    return picks
