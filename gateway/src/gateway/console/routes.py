"""Every area of the console, imported for its routes on the frame's blueprint."""

from __future__ import annotations

from gateway.console import signing  # noqa: F401
