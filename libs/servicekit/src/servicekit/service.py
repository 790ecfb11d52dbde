"""A service, declared once: its name, port, tables, outbox, topology, API and commands.

Everything a service runs is built from its :class:`Service`: the settings
(:mod:`servicekit.settings`), the web app (:func:`servicekit.webapp.create_service_app`), the
command line (:func:`servicekit.cli.run_cli`), the migrations (:mod:`servicekit.migrate`) and the
topology. ``docs/new-service.md`` shows a whole service made this way.

What would import the service's own modules (its API, its event handlers) is named as
``"package.module:ATTRIBUTE"`` and loaded only when needed, so the definition imports nothing of
the service but its tables.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.orm import Session, sessionmaker

from servicekit.outbox import Outbox
from servicekit.settings import ServiceSettings
from servicekit.topology import Topology
from servicekit.unit_of_work import UnitOfWork

CommandRun = Callable[["Service", Any, argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """One sub-command of a service's CLI.

    ``run(service, settings, args)`` returns the exit status; ``arguments(parser)`` adds the
    command's own arguments. ``settings`` is ``None`` for a command with ``needs_settings=False``
    (one that reads no environment, e.g. rendering the OpenAPI document).
    """

    name: str
    help: str
    run: CommandRun
    arguments: Callable[[argparse.ArgumentParser], None] | None = None
    needs_settings: bool = True


@dataclass(frozen=True)
class Service:
    """The one place a service's name and shape are written down.

    ``roles`` is the closed list of roles its tokens may carry (the suite's policy, e.g.
    ``tenancy.roles.ROLES``). ``blueprints`` names the list of the API's blueprints; ``handlers``
    names the mapping of consumed event types to :data:`servicekit.consumer.Handler` (and
    ``inbox`` is then its inbox table). ``state_events`` names a function ``(Connection) ->
    Iterable[CloudEvent]`` yielding the current state of its entities, for ``replay --state``
    (:func:`servicekit.replay.replay_state`). ``commands`` are the service's own sub-commands, beside
    the standard ones of :mod:`servicekit.cli`. ``collectors`` names a function ``(sessionmaker) ->
    list[Collector]`` of the service's own metrics, read from its database when ``/metrics`` is
    scraped (:class:`servicekit.metrics.QueryGauge`).
    """

    name: str
    package: str
    port: int
    metadata: MetaData
    outbox: Outbox
    roles: Collection[str]
    blueprints: str
    settings: type[ServiceSettings] = ServiceSettings
    consumes: tuple[str, ...] = ()
    handlers: str | None = None
    inbox: Table | None = None
    state_events: str | None = None
    commands: tuple[Command, ...] = ()
    collectors: str | None = None
    title: str = ""
    delivery_limit: int = 5
    _loaded: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.consumes and (self.handlers is None or self.inbox is None):
            raise ValueError(f"{self.name} consumes events: give it handlers and an inbox table")

    @property
    def source(self) -> str:
        """The CloudEvents ``source`` of everything the service publishes."""
        return f"/estatedesk/{self.name}"

    @property
    def topology(self) -> Topology:
        """What the service declares on RabbitMQ."""
        return Topology(service=self.name, consumes=self.consumes, delivery_limit=self.delivery_limit)

    @property
    def package_dir(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            raise ValueError(f"package {self.package!r} is not importable")
        return Path(next(iter(spec.submodule_search_locations)))

    @property
    def migrations(self) -> Path:
        """The folder of the service's Alembic revisions: ``<package>/migrations/versions``."""
        return self.package_dir / "migrations" / "versions"

    @property
    def contracts(self) -> Path:
        """``contracts/`` beside ``src/`` in a source checkout (the service installed editable)."""
        return self.package_dir.parents[1] / "contracts"

    def load_settings(self) -> ServiceSettings:
        """The service's settings from the environment (read at start-up, never at import)."""
        return self.settings.from_env(self.name, self.port)

    def unit_of_work(self, sessions: sessionmaker[Session] | Engine) -> UnitOfWork:
        """A unit of work whose events go to this service's outbox, on connections of the engine
        ``sessions`` are bound to (or of that engine)."""
        engine = sessions if isinstance(sessions, Engine) else sessions.kw.get("bind")
        if not isinstance(engine, Engine):
            raise TypeError(f"a unit of work needs an engine or a sessionmaker bound to one, not {sessions!r}")
        return UnitOfWork(engine.connect, self.outbox, self.source)

    def api_blueprints(self) -> list[Any]:
        return list(self._load(self.blueprints))

    def event_handlers(self) -> Mapping[str, Any]:
        return dict(self._load(self.handlers)) if self.handlers else {}

    def metric_collectors(self, sessions: Callable[[], Session]) -> list[Any]:
        """The service's own metrics (none unless ``collectors`` names them)."""
        return list(self._load(self.collectors)(sessions)) if self.collectors else []

    def state_event_source(self) -> Any:
        return self._load(self.state_events) if self.state_events else None

    def _load(self, reference: str) -> Any:
        if reference not in self._loaded:
            self._loaded[reference] = resolve(reference)
        return self._loaded[reference]


def resolve(reference: str) -> Any:
    """What ``"package.module:attribute"`` names (the attribute may be dotted: ``Timer.for_service``).

    A service's definition and its commands name what they run this way, so that declaring them
    imports none of the modules behind them: those modules may import the definition in turn
    without making a circle, and a command loads only what it runs.
    """
    module, _, attribute = reference.partition(":")
    if not attribute:
        raise ValueError(f"{reference!r} names no attribute: write it as 'package.module:attribute'")
    return functools.reduce(getattr, attribute.split("."), importlib.import_module(module))
