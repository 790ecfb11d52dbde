"""Benchmark: sampling one quarterly wave for every estate of an operator (SRV-1).

    .venv/bin/python bench/surveys_sampling.py [--estates 500] [--households 1000000] [--buildings 20] [--lookback 4]

Builds ``--estates`` estates of ``--households`` occupied households in all (``--buildings`` buildings
each), gives every estate ``--lookback`` earlier waves (drawn with the same sampling, so each
estate's history is what a real one would hold), then times the next wave of every estate with
surveys.domain.sampling.sample (20 % per building, ``--lookback`` waves avoided), beside baselines
of the same run: sorting every household once (what any sample must at least do) and building the
look-back's sets. Checks every sample's share and that none repeats the last wave where its
building had enough others. Aim: the whole operator under 10 s. Each figure is wall-clock time,
with the process's CPU time beside it (on a shared machine the two part). Prints numbers; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid

from surveys.domain.sampling import Household, quota, sample


def _estates(count: int, households: int, buildings: int, seed: int) -> list[list[Household]]:
    draw = random.Random(seed)
    each = households // count
    estates = []
    for _ in range(count):
        building_ids = [uuid.UUID(int=draw.getrandbits(128)) for _ in range(buildings)]
        estates.append([Household(uuid.UUID(int=draw.getrandbits(128)), building_ids[n % buildings])
                        for n in range(each)])
    return estates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--estates", type=int, default=500)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--buildings", type=int, default=20)
    parser.add_argument("--lookback", type=int, default=4)
    args = parser.parse_args()
    estates = _estates(args.estates, args.households, args.buildings, seed=2026)
    total = sum(len(e) for e in estates)

    started, cpu = time.perf_counter(), time.process_time()
    for households in estates:
        sorted(households, key=lambda h: h.unit_id.int)
    sort_seconds, sort_cpu = time.perf_counter() - started, time.process_time() - cpu

    histories: list[list[set[uuid.UUID]]] = [[] for _ in estates]
    started = time.perf_counter()
    for wave in range(args.lookback):
        for households, history in zip(estates, histories, strict=True):
            history.insert(0, {p.unit_id for p in sample(households, history, percent=20, seed=wave,
                                                         lookback=args.lookback)})
    history_seconds = (time.perf_counter() - started) / max(args.lookback, 1)

    started, cpu = time.perf_counter(), time.process_time()
    drawn = [sample(households, history, percent=20, seed=99, lookback=args.lookback)
             for households, history in zip(estates, histories, strict=True)]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu

    sampled = sum(len(d) for d in drawn)
    repeats = 0
    for households, history, picks in zip(estates, histories, drawn, strict=True):
        per_building: dict[uuid.UUID, int] = {}
        for h in households:
            per_building[h.building_id] = per_building.get(h.building_id, 0) + 1
        fresh = {b: sum(1 for h in households if h.building_id == b and h.unit_id not in history[0])
                 for b in per_building}
        for pick in picks:
            if pick.unit_id in history[0] and fresh[pick.building_id] >= quota(per_building[pick.building_id], 20):
                repeats += 1
        assert len(picks) * 100 >= len(households) * 20
    print(f"estates {args.estates}, occupied households {total:,}, buildings per estate {args.buildings}, "
          f"look-back {args.lookback} waves")
    print(f"baseline: sorting every household once           {sort_seconds:7.2f} s  (CPU {sort_cpu:.2f} s)")
    print(f"one earlier wave of every estate (history build)  {history_seconds:7.2f} s")
    print(f"the next wave of every estate (timed)             {seconds:7.2f} s  (CPU {cpu_seconds:.2f} s)  aim < 10 s; "
          f"{sampled:,} households sampled ({sampled / total:.1%}), repeats of the last wave where avoidable: "
          f"{repeats}")


if __name__ == "__main__":
    main()
