"""Every area of the console, imported for its routes on the frame's blueprint."""

from __future__ import annotations

from gateway.console import (  # noqa: F401
    dashboard,
    desk,
    entry,
    my_work,
    notices,
    people,
    queue,
    register,
    signing,
    surveys,
    tickets,
)
