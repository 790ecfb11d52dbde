"""Gauges a service reads from its own database when ``/metrics`` is scraped.

A count that lives in the database (estates missing a role, rows waiting for something) is a gauge
of the database's state, not of one process: counting it in the process that changed it would be
wrong in the next replica and lost at every restart. So it is read when scraped, by whichever web
worker answers, at most once every ``cache_seconds`` (each scrape of each worker would otherwise
query), and a database that cannot be read gives no sample (alert on its absence) while the web
keeps serving. A service lists its gauges with ``Service(collectors="pkg.module:function")``, the
function taking the app's sessionmaker and returning the collectors.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


class ScrapedGauge(Collector):
    """A gauge ``name`` with one ``label`` whose samples (label value -> value) are read when
    scraped, at most once every ``cache_seconds``; a subclass says how in :meth:`read_samples`,
    returning None when its source cannot be read (the gauge then has no sample)."""

    def __init__(self, name: str, documentation: str, label: str, *, cache_seconds: float = 15.0) -> None:
        self.name, self.documentation, self.label, self.cache_seconds = name, documentation, label, cache_seconds
        self._reading: tuple[float, Mapping[str, float] | None] | None = None  # (monotonic time, samples)

    def read_samples(self) -> Mapping[str, float] | None:
        raise NotImplementedError

    def describe(self) -> list[GaugeMetricFamily]:
        return [GaugeMetricFamily(self.name, self.documentation, labels=[self.label])]  # registering reads nothing

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(self.name, self.documentation, labels=[self.label])
        for value, sample in sorted((self._samples() or {}).items()):
            family.add_metric([value], sample)
        yield family

    def _samples(self) -> Mapping[str, float] | None:
        now = time.monotonic()
        if self._reading is None or now - self._reading[0] >= self.cache_seconds:
            self._reading = (now, self.read_samples())
        return self._reading[1]


class QueryGauge(ScrapedGauge):
    """A gauge whose samples ``read(session)`` returns from a session of ``sessions``."""

    def __init__(self, name: str, documentation: str, label: str, read: Callable[[Session], Mapping[str, float]],
                 sessions: Callable[[], Session], *, cache_seconds: float = 15.0) -> None:
        super().__init__(name, documentation, label, cache_seconds=cache_seconds)
        self.read, self.sessions = read, sessions

    def read_samples(self) -> Mapping[str, float] | None:
        try:
            with self.sessions() as session:
                return dict(self.read(session))
        except SQLAlchemyError as error:
            log.warning("cannot read a gauge from the database", extra={"metric": self.name, "error": repr(error)})
            return None
