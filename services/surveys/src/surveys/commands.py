"""The surveys service's own sub-commands, beside the standard ones of servicekit.cli: ``timer`` (the
process surveys-timer: overdue rectification actions) and ``load-demo``."""

from __future__ import annotations

from servicekit.demo import demo_command
from servicekit.worker import worker_command

TIMER_COMMAND = worker_command("timer", "run surveys' timer: overdue rectification actions",
                               "surveys.timer:Timer.for_service")
LOAD_DEMO = demo_command("surveys.demo:DEMO", "load the demo estate's questionnaire (once)")

COMMANDS = (TIMER_COMMAND, LOAD_DEMO)
