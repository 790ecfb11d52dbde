"""The sender's sub-command of ``notify``: the sender worker (the process notify-sender)."""

from __future__ import annotations

import argparse
from typing import Any

from servicekit.service import Command, Service


def _send(service: Service, settings: Any, args: argparse.Namespace) -> int:
    from notify.sending.worker import run_sender_command

    return run_sender_command(service, settings, once=args.once)


def _send_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="one round, then exit")


SEND_COMMAND = Command("send", "run the sender: claim due messages, call the providers, mark the results",
                       _send, _send_arguments)
