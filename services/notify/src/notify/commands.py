"""The notify service's own sub-commands, beside the standard ones of servicekit.cli.

Each area adds its command here: ``send`` (the sender worker), ``sms-standin`` and
``smtp-standin`` (the local stand-ins), ``load-demo``.
"""

from __future__ import annotations

from servicekit.service import Command

COMMANDS: tuple[Command, ...] = ()

from notify.sending.commands import SEND_COMMAND, SMTP_STANDIN_COMMAND  # noqa: E402  (each area appends its own)

COMMANDS += (SEND_COMMAND, SMTP_STANDIN_COMMAND)
