"""The SLA's sub-command of ``tickets``: the timer process."""

from __future__ import annotations

import argparse
from typing import Any

from servicekit.service import Command, Service


def _timer(service: Service, settings: Any, args: argparse.Namespace) -> int:
    from tickets.sla.timer import run_timer_command

    return run_timer_command(service, settings, once=args.once)


def _timer_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="one sweep, then exit")


TIMER_COMMAND = Command("timer", "run the SLA timer: warnings, breaches, slipped promises, escalation",
                        _timer, _timer_arguments)
