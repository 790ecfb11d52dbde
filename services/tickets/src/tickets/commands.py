"""The tickets service's own sub-commands, beside the standard ones of servicekit.cli: ``timer`` (the
SLA timer, the process tickets-timer) and ``load-demo``."""

from __future__ import annotations

import argparse

from servicekit.demo import demo_command
from servicekit.worker import worker_command


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=300, help="how many demo tickets (default 300)")


LOAD_DEMO = demo_command("tickets.demo:DEMO", "make the demo estate's tickets from the copy of owners (once)",
                         _demo_arguments)
TIMER_COMMAND = worker_command("timer", "run the SLA timer: warnings, breaches, slipped promises, escalation",
                               "tickets.sla.timer:Timer.for_service")
