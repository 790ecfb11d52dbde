"""The notify service's own sub-commands, beside the standard ones of servicekit.cli: ``send`` (the
sender worker), ``sms-standin`` and ``smtp-standin`` (the local stand-ins), ``load-demo``."""

from __future__ import annotations

from notify.standins.commands import SMS_STANDIN_COMMAND, SMTP_STANDIN_COMMAND
from servicekit.demo import demo_command
from servicekit.worker import worker_command

SEND_COMMAND = worker_command("send", "run the sender: claim due messages, call the providers, mark the results",
                              "notify.sending.worker:sender_for")
LOAD_DEMO = demo_command("notify.demo:DEMO",
                         "load the demo estate's sending settings, templates and past notices (once)")

COMMANDS = (SEND_COMMAND, SMS_STANDIN_COMMAND, SMTP_STANDIN_COMMAND, LOAD_DEMO)
