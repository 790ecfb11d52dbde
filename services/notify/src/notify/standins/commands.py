"""The stand-ins' sub-commands of ``notify``: the SMS provider and the SMTP server `make run` and the
tests talk to instead of real providers."""

from __future__ import annotations

import argparse
from typing import Any

from servicekit.service import Command, Service


def _sms_standin(_service: Service, settings: Any, args: argparse.Namespace) -> int:
    from notify.standins.sms_provider import run_command

    return run_command(settings, args)


def _sms_standin_arguments(parser: argparse.ArgumentParser) -> None:
    from notify.standins.sms_provider import command_arguments

    command_arguments(parser)


def _smtp_standin(service: Service, settings: Any, args: argparse.Namespace) -> int:
    from notify.standins.smtp_server import serve

    return serve(args.host, args.port, args.http_port)


def _smtp_standin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--http-port", type=int, default=8094, help="the page listing what arrived")


SMS_STANDIN_COMMAND = Command("sms-standin", "serve the SMS provider stand-in (Aliyun's SMS API)",
                              _sms_standin, _sms_standin_arguments)
SMTP_STANDIN_COMMAND = Command("smtp-standin", "run the local SMTP stand-in and its page of what arrived",
                               _smtp_standin, _smtp_standin_arguments, needs_settings=False)
