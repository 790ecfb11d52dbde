"""The surveys service's own sub-commands, beside the standard ones of servicekit.cli: ``load-demo``."""

from __future__ import annotations

from servicekit.demo import demo_command

LOAD_DEMO = demo_command("surveys.demo:DEMO", "load the demo estate's questionnaire (once)")

COMMANDS = (LOAD_DEMO,)
