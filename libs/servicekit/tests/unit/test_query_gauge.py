"""A gauge read from the database when scraped: its samples, read at most once per cache period,
and no sample (not a failed scrape) while the database cannot be read."""

from __future__ import annotations

from contextlib import nullcontext

from sqlalchemy.exc import OperationalError

from servicekit.metrics import QueryGauge


def samples(gauge: QueryGauge) -> dict[str, float]:
    [family] = gauge.collect()
    return {s.labels["warning"]: s.value for s in family.samples}


def test_samples_are_read_once_per_cache_period() -> None:
    reads = []

    def read(session: object) -> dict[str, float]:
        reads.append(session)
        return {"no_supervisor": 2, "no_first_responsible": 0}

    gauge = QueryGauge("x_warnings", "help", "warning", read, lambda: nullcontext("session"), cache_seconds=60)
    assert samples(gauge) == {"no_supervisor": 2, "no_first_responsible": 0}
    assert samples(gauge) == {"no_supervisor": 2, "no_first_responsible": 0}
    assert reads == ["session"]
    [described] = gauge.describe()
    assert described.name == "x_warnings" and not described.samples


def test_a_database_that_cannot_be_read_gives_no_sample() -> None:
    def read(session: object) -> dict[str, float]:
        raise OperationalError("SELECT 1", {}, Exception("gone"))

    gauge = QueryGauge("x_warnings", "help", "warning", read, lambda: nullcontext(None), cache_seconds=0)
    assert samples(gauge) == {}
