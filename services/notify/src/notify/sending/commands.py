"""The sender's sub-commands of ``notify``: the sender worker and the SMTP stand-in."""

from __future__ import annotations

import argparse
from typing import Any

from servicekit.service import Command, Service


def _send(service: Service, settings: Any, args: argparse.Namespace) -> int:
    from notify.sending.worker import run_sender_command

    return run_sender_command(service, settings, once=args.once)


def _send_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--once", action="store_true", help="one round, then exit")


def _smtp_standin(service: Service, settings: Any, args: argparse.Namespace) -> int:
    from notify.standins.smtp_server import serve

    return serve(args.host, args.port, args.http_port)


def _smtp_standin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--http-port", type=int, default=8094, help="the page listing what arrived")


SEND_COMMAND = Command("send", "run the sender: claim due messages, call the providers, mark the results",
                       _send, _send_arguments)
SMTP_STANDIN_COMMAND = Command("smtp-standin", "run the local SMTP stand-in and its page of what arrived",
                               _smtp_standin, _smtp_standin_arguments, needs_settings=False)
