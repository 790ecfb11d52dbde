"""The owners service's own sub-commands, beside the standard ones of servicekit.cli."""

from owners.household_imports.command import IMPORT_HOUSEHOLDS
from servicekit.demo import demo_command

LOAD_DEMO = demo_command("owners.demo:DEMO", "load the demo estate (idempotent)")
COMMANDS = (LOAD_DEMO, IMPORT_HOUSEHOLDS)
