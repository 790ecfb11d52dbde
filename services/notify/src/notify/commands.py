"""The notify service's own sub-commands, beside the standard ones of servicekit.cli.

Each area adds its command here: ``send`` (the sender worker), ``sms-standin`` and
``smtp-standin`` (the local stand-ins), ``load-demo``.
"""

from __future__ import annotations

from servicekit.service import Command

COMMANDS: tuple[Command, ...] = ()


def _sms_standin(_service: object, settings: object, args: object) -> int:
    from notify.standins.sms_provider import run_command

    return run_command(settings, args)


def _sms_standin_arguments(parser: object) -> None:
    from notify.standins.sms_provider import command_arguments

    command_arguments(parser)


COMMANDS += (Command("sms-standin", "serve the SMS provider stand-in (Aliyun's SMS API) for make run and tests",
                     _sms_standin, _sms_standin_arguments),)
