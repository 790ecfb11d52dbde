"""The notify service's own sub-commands, beside the standard ones of servicekit.cli: ``send`` (the
sender worker), ``sms-standin`` and ``smtp-standin`` (the local stand-ins), ``load-demo``."""

from __future__ import annotations

import argparse
from typing import Any

from notify.standins.commands import SMS_STANDIN_COMMAND, SMTP_STANDIN_COMMAND
from servicekit.service import Command, Service
from servicekit.worker import worker_command


def _load_demo(_service: Service, settings: Any, _args: argparse.Namespace) -> int:
    from notify.demo import load_demo

    return load_demo(settings)


SEND_COMMAND = worker_command("send", "run the sender: claim due messages, call the providers, mark the results",
                              "notify.sending.worker:sender_for")
LOAD_DEMO = Command("load-demo", "load the demo estate's sending settings, templates and past notices (once)",
                    _load_demo)

COMMANDS = (SEND_COMMAND, SMS_STANDIN_COMMAND, SMTP_STANDIN_COMMAND, LOAD_DEMO)
