"""The staff console (issue 24): the service centre's pages, served by the gateway under
``/console/``, calling the same APIs other company systems call with the staff member's token."""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """The console's pages on ``app`` (after the owners' pages, whose call slots they share)."""
    # Each area adds its pages to the frame's blueprint when it is imported.
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
    from gateway.console.frame import blp

    app.register_blueprint(blp)
