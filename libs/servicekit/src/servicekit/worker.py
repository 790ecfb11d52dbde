"""A service's background worker: a process that does its work in rounds until it is told to stop.

tickets' SLA timer and notify's sender (and the surveys' workers to come) are each a loop: do what
is due, wait a little, again. What differs is the round and how long to wait after it; the loop,
the stopping, the logs and the command with its ``--once`` are the same, and are here.

* A round is one call of :meth:`Worker.run_round`; it answers a :class:`RoundDone`: what it did
  (counts by name: logged when any is not zero, printed by ``--once``) and how long to wait before
  the next round (0: at once, there is more to do).
* SIGTERM or SIGINT sets the stop event. The loop looks at it between rounds, and a round may look
  at it too (the sender does, between provider calls), so what a round started is finished or put
  back, never left half done. The wait is on the same event: a stop ends it at once.
* A round the database fails (a deadlock, the database restarting) is logged and tried again after
  the worker's ``retry_pause``: a round is made of its own transactions, so nothing is half written.
  Any other error ends the process: a bug is not retried in a loop forever; the orchestrator
  starts the process again and the log says why.
* ``<service> <command> --once`` runs one round and exits: 0 when it ran, 1 when the database
  failed it. For tests, a one-off run from cron, or an operator's "do what is due now".

A service declares its worker's command in one line (:func:`worker_command`)::

    TIMER_COMMAND = worker_command("timer", "run the SLA timer", "tickets.sla.timer:Timer.for_service")
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from servicekit.service import Command, Service, resolve

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoundDone:
    """What one round did (``counts``: how many of each thing, by name) and how many seconds the
    worker wants to wait before the next one (``pause``; 0 or less: at once)."""

    counts: Mapping[str, int]
    pause: float

    @property
    def idle(self) -> bool:
        return not any(self.counts.values())

    def summary(self) -> str:
        """``warned 1, breached 0``: the counts as ``--once`` prints them."""
        return ", ".join(f"{name} {count}" for name, count in self.counts.items())


class Worker(Protocol):
    """What the loop needs of a worker: a round, and how long to wait after a failed one."""

    @property
    def retry_pause(self) -> float: ...

    def run_round(self, stop: threading.Event) -> RoundDone: ...


# (service, engine, settings) -> Worker: how a command builds its worker.
WorkerFactory = Callable[[Service, Engine, Any], Worker]


def run_worker(name: str, worker: Worker, stop: threading.Event) -> None:
    """Run ``worker``'s rounds until ``stop`` is set, each followed by the pause it asks for.

    A round the database fails is logged and tried again after ``worker.retry_pause`` (see the
    module's docstring); any other error ends the loop, and so the process.
    """
    log.info("%s started", name, extra={"worker": name})
    while not stop.is_set():
        try:
            done = worker.run_round(stop)
            if not done.idle:
                log.info("%s round", name, extra={"worker": name, "done": dict(done.counts)})
            pause = done.pause
        except (OperationalError, DBAPIError) as exc:  # a deadlock, the database away: try again
            log.warning("%s round failed; trying again", name, extra={"worker": name, "error": str(exc)})
            pause = worker.retry_pause
        if pause > 0:
            stop.wait(pause)
    log.info("%s stopped", name, extra={"worker": name})


def run_worker_command(name: str, service: Service, settings: Any, build: WorkerFactory, *, once: bool) -> int:
    """The body of a worker's command: its engine, its worker, then rounds until SIGTERM/SIGINT,
    or one round with ``once``. Returns the exit status (see the module's docstring)."""
    from servicekit.amqp import stop_on_signals
    from servicekit.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        worker = build(service, engine, settings)
        if once:
            return _one_round(name, worker)
        with stop_on_signals() as stop:
            run_worker(name, worker, stop)
        return 0
    finally:
        engine.dispose()


def _one_round(name: str, worker: Worker) -> int:
    try:
        done = worker.run_round(threading.Event())
    except (OperationalError, DBAPIError) as exc:
        print(f"{name}: the round failed on the database: {exc}", file=sys.stderr)
        return 1
    print(done.summary())
    return 0


def worker_command(name: str, help: str, build: str) -> Command:  # noqa: A002  (Command's own word)
    """The sub-command ``<service> <name> [--once]`` that runs a worker.

    ``build`` names (``"package.module:function"``) a :data:`WorkerFactory`; it is imported only
    when the command runs, so the service's definition, which lists its commands, imports none of
    the worker's modules (and they may import the definition without making a circle).
    """

    def run(service: Service, settings: Any, args: argparse.Namespace) -> int:
        return run_worker_command(name, service, settings, resolve(build), once=args.once)

    return Command(name, help, run, _once_argument)


def _once_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="one round, then exit (1 if the database failed it)")
