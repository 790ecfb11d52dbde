"""The staff console (issue 24): the service centre's pages, served by the gateway under
``/console/``, calling the same APIs other company systems call with the staff member's token."""

from __future__ import annotations

from flask import Flask


def install(app: Flask) -> None:
    """The console's pages on ``app`` (after the owners' pages, whose call slots they share)."""
    from gateway.console import routes  # noqa: F401  (each area adds its routes to the frame's blueprint)
    from gateway.console.frame import blp

    app.register_blueprint(blp)
