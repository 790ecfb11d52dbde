"""The notify service's own sub-commands, beside the standard ones of servicekit.cli: ``send`` (the
sender worker), ``sms-standin`` and ``smtp-standin`` (the local stand-ins)."""

from __future__ import annotations

from notify.sending.commands import SEND_COMMAND
from notify.standins.commands import SMS_STANDIN_COMMAND, SMTP_STANDIN_COMMAND

COMMANDS = (SEND_COMMAND, SMS_STANDIN_COMMAND, SMTP_STANDIN_COMMAND)
