"""The notify service's own sub-commands, beside the standard ones of servicekit.cli.

Each area adds its command here: ``send`` (the sender worker), ``sms-standin`` and
``smtp-standin`` (the local stand-ins), ``load-demo``.
"""

from __future__ import annotations

from servicekit.service import Command

COMMANDS: tuple[Command, ...] = ()


def _load_demo(_service, settings, _args) -> int:  # noqa: ANN001  (servicekit's Command signature)
    from notify.demo import load_demo

    return load_demo(settings)


COMMANDS += (Command("load-demo", "load the demo estate's sending settings, templates and past notices (once)",
                     _load_demo),)
