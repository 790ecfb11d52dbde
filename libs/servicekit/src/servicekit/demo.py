"""The frame of a service's demo loader (``<service> load-demo``), so that a service's ``demo.py``
holds only its data and its steps.

``make run`` and ``docker-compose --profile demo`` run every service's ``load-demo`` on each start,
and a newcomer runs it again by hand: loading must be idempotent, and a demo that builds on another
service's data (tickets' and notify's demos read their copy of owners' demo estate) must say what
to run when that data has not reached it yet, rather than fail obscurely. The frame does, for every
service alike:

* the command (:func:`demo_command`), its arguments passed on as ``options``;
* an engine on the service's database for the run, its sessions and units of work (:class:`DemoRun`);
* loading once: ``loaded`` says whether the demo is there (and it is reported, not loaded again);
  two loaders racing (``make run`` and a newcomer) are told apart by the database's unique keys:
  the loser's IntegrityError sends it back to ``loaded``, which finds the winner's demo;
* :class:`NotReady`, raised by a step when what it builds on is missing: its message is printed and
  the command exits 1, so the caller runs it again later;
* printing what was loaded (or found), then ``then``'s lines either way (how to use the demo);
* marking the demo's events as history: everything a demo records carries a correlation id that
  starts with :data:`DEMO_CORRELATION_PREFIX` (``demo-history:<service>:...``). A demo made through
  the use cases records the events a real desk would, months of them at once; a consumer that acts
  on the present (notify's messages to people) asks :func:`is_demo_history` and leaves them alone,
  while copies apply them as any other. A demo's records are made by :data:`DEMO_DESK`; what a
  process does later of its own accord to such a record (tickets' SLA timer firing a demo ticket's
  deadline) is recorded as history too (:func:`history`), so the demo's made-up world never
  messages anyone, whenever its deadlines fall.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from servicekit import correlation
from servicekit.envelope import CloudEvent
from servicekit.service import Command, Service, resolve
from servicekit.unit_of_work import JoinedUnitOfWork, UnitOfWork

DEMO_CORRELATION_PREFIX = "demo-history:"
DEMO_DESK = "demo-desk"
"""The subject a demo's records are made by (a ticket's or a notice's ``created_by``)."""


def history(service_name: str) -> Any:
    """A context in which the events recorded (and flushed) are marked as the demo's history."""
    return correlation.bound(f"{DEMO_CORRELATION_PREFIX}{service_name}:{uuid.uuid4().hex}")


def is_demo_history(event: CloudEvent) -> bool:
    """Whether a demo loader recorded ``event`` (it describes the demo's made-up past, not now)."""
    return bool(event.correlationid and event.correlationid.startswith(DEMO_CORRELATION_PREFIX))


class NotReady(Exception):
    """What the demo builds on is not there yet; the message says what to run first."""


@dataclass(frozen=True)
class DemoRun:
    """What a demo's steps are given: the service, its settings, sessions on its database (objects
    stay readable after a commit), the moment the demo is loaded at (tests pass one; else now) and
    the command's ``options`` (``--count``)."""

    service: Service
    settings: Any
    sessions: sessionmaker[Session]
    at: datetime
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def door(self) -> str:
        """The front door's address, for the lines a demo prints (``--door-port``, else 8000): every
        service is reached through it (``<door>/tickets/api/v1/...``)."""
        return f"http://localhost:{self.options.get('door_port') or 8000}"

    def unit_of_work(self) -> UnitOfWork:
        """A unit of work on the service's database whose events go to its outbox, as its use cases
        take: a demo made through them records exactly the events a real desk would."""
        return self.service.unit_of_work(self.sessions)

    @contextmanager
    def together(self) -> Iterator[tuple[Session, Callable[[], UnitOfWork]]]:
        """One transaction for several use cases: a session, and a factory of units of work joined
        to it (servicekit.unit_of_work.JoinedUnitOfWork), committed when the block ends (rolled back
        if it raises). What a demo makes in it is seen by other processes whole or not at all: a
        timer running beside the loader never finds a past record half made (a wave opened, its
        answers not entered yet) and acts on it."""
        with self.sessions() as session:
            yield session, lambda: JoinedUnitOfWork(session, self.service.outbox, self.service.source)
            session.commit()

    def from_copy(self, session: Session, statement: Any, *, what: str, producer: str = "owners") -> Any:
        """The value ``statement`` reads from the service's copy of ``producer``'s data, or
        :class:`NotReady` (saying how to fill the copy) when the copy does not hold ``what`` yet."""
        found = session.execute(statement).scalar()
        if found is None:
            name = self.service.name
            raise NotReady(f"the {name} copy of {producer} holds no {what} yet: run `{producer} load-demo` and the "
                           f"{name} consumer (`{name} consume`), or `{producer} replay --consumer {name} --state`, "
                           f"then run `{name} load-demo` again")
        return found


@dataclass(frozen=True)
class Demo:
    """A service's demo, as its steps: ``loaded(run)`` says the demo is there already (a line to
    print) or None; ``load(run)`` loads it and answers the line to print; ``then(run)``, if given,
    answers lines printed after either (how to try the demo)."""

    loaded: Callable[[DemoRun], str | None]
    load: Callable[[DemoRun], str]
    then: Callable[[DemoRun], str] | None = None


def load_demo(service: Service, settings: Any, demo: Demo, *, at: datetime | None = None, **options: Any) -> int:
    """Load ``demo`` into ``service``'s database once; returns the exit status: 0 loaded or found,
    1 not ready (see the module's docstring)."""
    from servicekit.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        run = DemoRun(service, settings, sessionmaker(engine, expire_on_commit=False), at or datetime.now(UTC),
                      options)
        with history(service.name):
            print(_load_once(run, demo))
        if demo.then is not None:
            print(demo.then(run))
        return 0
    except NotReady as not_ready:
        print(not_ready)
        return 1
    finally:
        engine.dispose()


def _load_once(run: DemoRun, demo: Demo) -> str:
    there = demo.loaded(run)
    if there is not None:
        return there
    try:
        return demo.load(run)
    except IntegrityError:  # another loader won the race: what it loaded is the demo
        there = demo.loaded(run)
        if there is None:
            raise
        return there


def demo_command(demo: str, help: str, arguments: Callable[[argparse.ArgumentParser], None] | None = None,  # noqa: A002
                 ) -> Command:
    """The ``load-demo`` sub-command of a service: loads the :class:`Demo` that ``demo`` names
    (``"package.module:DEMO"``), with the command's arguments (``arguments`` adds them) as its
    options. The demo's module is imported only when the command runs, so the service's
    definition, which lists its commands, does not import the demo (which imports the service's
    use cases) and no import circle is made."""

    def run(service: Service, settings: Any, args: argparse.Namespace) -> int:
        options = {name: value for name, value in vars(args).items() if name != "command"}
        return load_demo(service, settings, resolve(demo), **options)

    def every_argument(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--door-port", type=int, default=8000,
                            help="the front door's port, for the lines the demo prints (default 8000)")
        if arguments is not None:
            arguments(parser)

    return Command("load-demo", help, run, every_argument)
